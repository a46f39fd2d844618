/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libFuzzer entry points every harness of tests/fuzz defines, and the
 * helper harnesses use to stop on a broken property: FUZZ_CHECK() prints
 * the property and aborts, which libFuzzer and the replay driver both
 * report as a crash (with ASan's stack).
 */
#ifndef DLMR_FUZZ_H
#define DLMR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* where FUZZ_CHECK() reports: stderr, or the harness's copy of it while
 * it sends stderr elsewhere (fuzz_dlmctl.c) */
static int fuzz_report_fd __attribute__((unused)) = 2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* optional: a harness may define it (once, before any input) */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			dprintf(fuzz_report_fd,                            \
				"%s:%d: property broken: %s\n",            \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

#endif
