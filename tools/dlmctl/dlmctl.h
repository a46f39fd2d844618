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

/* A command and its help (help.c). */
struct dlmctl_cmd {
	const char *name;      /* "sim", "recover check" */
	const char *synopsis;  /* one line, for the usage hint */
	const char *help;      /* the full text of `dlmctl help NAME` */
};

/* The command named @name, or NULL. */
const struct dlmctl_cmd *dlmctl_cmd_find(const char *name);

/* Run as command @name from now on: its errors say `dlmctl NAME: `. */
const struct dlmctl_cmd *dlmctl_cmd_start(const char *name);

/* Print the help of command @name on stdout: 0, or 2 if there is none. */
int dlmctl_help(const char *name);

/* dlmctl's own usage on @f; 0 on stdout, 2 on stderr. */
int dlmctl_usage_main(FILE *f);

/* Print "dlmctl CMD: MESSAGE" (CMD: the command running) on stderr;
 * returns @code. */
int dlmctl_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A usage error: the line of dlmctl_error(), then the command's synopsis
 * and where its help is, on a second line.  Returns 2. */
int dlmctl_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Only the second line of a usage error. */
void dlmctl_usage_hint(void);

/* getopt_long() (option string starting with ':', opterr 0) returned @c,
 * ':' or '?': report it as a usage error; returns 2. */
int dlmctl_getopt_error(char **argv, int c);

/* Parse option @opt's decimal argument @s in @min..@max into *@out: 0, or
 * a usage error stating the range (returns 2). */
int dlmctl_parse_ulong(const char *opt, const char *s, unsigned long min,
		       unsigned long max, unsigned long *out);

/* Read a whole file ("-" is stdin); NUL-terminated; *len without the NUL. */
char *dlmctl_read_file(const char *path, size_t *len);

int dlmctl_sim(int argc, char **argv);
int dlmctl_recover(int argc, char **argv);
int dlmctl_explore(int argc, char **argv);
int dlmctl_slots(int argc, char **argv);
int dlmctl_recover_status(int argc, char **argv);
int dlmctl_recover_watch(int argc, char **argv);

#endif
