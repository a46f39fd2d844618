/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DLMCTL_H
#define DLMCTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct dlmr_event;

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
/* dlmctl -p (--pretty): indent the JSON documents of -j (set once by
 * main() before the command runs) */
extern bool dlmctl_pretty;
/* json_object_to_json_string_ext() flags: plain or, with -p, pretty;
 * with @extra */
int dlmctl_json_flags(int extra);

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

/* The same for a number in 0..2^64-1 (--seed). */
int dlmctl_parse_u64(const char *opt, const char *s, uint64_t *out);

/* Read a whole file ("-" is stdin); NUL-terminated; *len without the NUL. */
char *dlmctl_read_file(const char *path, size_t *len);

/* The longest text dlmctl_event_text() writes, with its NUL. */
#define DLMCTL_TEXT_MAX 24

/* Event @ev in a few words (text.c): at most 20 characters ("lock ctl EX
 * nq lvb", "done gen3 slot1"), or with @brief at most 10 for the common
 * ones ("lk ctl EX", "done g3 s1"; 12 for the longest, "slot n32 s32"). */
void dlmctl_event_text(const struct dlmr_event *ev, char *buf, size_t len,
		       bool brief);

/*
 * An SVG sequence diagram of a run (svg.c): one lifeline per node.  Add
 * the events in their order, mark the ones a verdict rests on, add the
 * verdicts as notes, write.  The add functions return 0 or -ENOMEM (also
 * kept and returned by dlmctl_svg_write()).
 */
struct dlmctl_svg;

enum {
	DLMCTL_SVG_AT = 1,      /* the event that broke a rule */
	DLMCTL_SVG_REF,         /* an event a violation rests on */
	DLMCTL_SVG_HAZARD,      /* an event the kernel got wrong */
};
enum {
	DLMCTL_SVG_VIOLATION = 1,
	DLMCTL_SVG_WARNING,
};

/* --svg @file (NULL: not given) with -j as @json: 0, or a usage error
 * (an empty name; "-" with -j) reported, returns 2. */
int dlmctl_svg_usage(const char *file, bool json);
/* A diagram titled @title (e.g. the command line); NULL: out of memory. */
struct dlmctl_svg *dlmctl_svg_new(const char *title);
void dlmctl_svg_free(struct dlmctl_svg *s);
/* A line under the title (the verdict); the first 8 are kept. */
int dlmctl_svg_summary(struct dlmctl_svg *s, const char *text);
/* The next event: from trace @file, line @line (the keys of mark and
 * note), @where its place for the tooltip (NULL: none).  A violation
 * event (the simulator's) becomes a note after the previous event. */
int dlmctl_svg_event(struct dlmctl_svg *s, const struct dlmr_event *ev,
		     uint32_t file, uint64_t line, const char *where);
/* Mark the event of @file, @line: 0, or -ENOENT if there is none. */
int dlmctl_svg_mark(struct dlmctl_svg *s, uint32_t file, uint64_t line,
		    int mark);
/* A note (a band of @kind across the diagram) after the event of @file,
 * @line; line 0 or no such event: at the end. */
int dlmctl_svg_note(struct dlmctl_svg *s, uint32_t file, uint64_t line,
		    int kind, const char *text);
/* Lay out and write to @path ("-": stdout): 0 or a negative errno. */
int dlmctl_svg_write(struct dlmctl_svg *s, const char *path);

int dlmctl_sim(int argc, char **argv);
int dlmctl_recover(int argc, char **argv);
int dlmctl_explore(int argc, char **argv);
int dlmctl_slots(int argc, char **argv);
int dlmctl_emulate(int argc, char **argv);
int dlmctl_recover_status(int argc, char **argv);
int dlmctl_recover_watch(int argc, char **argv);

#endif
