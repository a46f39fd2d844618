/* Built by tests/install/test_install.sh against an installed
 * libdlmrecover, with nothing but `pkg-config --cflags --libs
 * dlmrecover`: the header, the uapi header under <dlmrecover/>, the
 * library. */
#include <stdio.h>

#include <dlmrecover.h>
#include <dlmrecover/dlm_recover.h>

int main(void)
{
	struct dlmr_scenario *sc;
	struct dlmr_sim_result res;
	char err[256];
	int r;

	if (dlmr_scenario_parse(dlmr_scenario_default_text(), "default", &sc,
				err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	r = dlmr_sim_run(sc, 1, NULL, NULL, &res);
	dlmr_scenario_free(sc);
	printf("libdlmrecover %s, netlink family %s v%d: %s\n", dlmr_version(),
	       DLM_RECOVER_GENL_NAME, DLM_RECOVER_GENL_VERSION,
	       r ? res.violation : "invariants S1-S5 held");
	return r ? 1 : 0;
}
