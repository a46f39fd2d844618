/* Compiles include/dlmrecover.h alone under -std=c11 -pedantic -Werror and
 * links one call against the shared library, so a header that needs other
 * includes, or uses a non-C11 construct, fails the build. */
#include <dlmrecover.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	const char *v = dlmr_version();

	if (!v || strcmp(v, "0.1.0") != 0) {
		fprintf(stderr, "unexpected version %s\n", v ? v : "(null)");
		return 1;
	}
	return 0;
}
