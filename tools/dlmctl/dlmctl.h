/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DLMCTL_H
#define DLMCTL_H

#include <stdarg.h>
#include <stdio.h>

enum {
	DLMCTL_EXIT_OK = 0,
	DLMCTL_EXIT_VIOLATION = 1,
	DLMCTL_EXIT_USAGE = 2,
	DLMCTL_EXIT_RUNTIME = 3,
};

/* Print "dlmctl: MESSAGE" on stderr; returns @code. */
int dlmctl_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Read a whole file ("-" is stdin); NUL-terminated; *len without the NUL. */
char *dlmctl_read_file(const char *path, size_t *len);

int dlmctl_sim(int argc, char **argv);
int dlmctl_recover(int argc, char **argv);
int dlmctl_explore(int argc, char **argv);
int dlmctl_slots(int argc, char **argv);
int dlmctl_recover_status(int argc, char **argv);
int dlmctl_recover_watch(int argc, char **argv);

#endif
