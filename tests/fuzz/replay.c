/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plain driver of the fuzz harnesses (tests/fuzz/README.md): without
 * libFuzzer, it runs every file of the corpus directories (or the files)
 * named on its command line (and of their subdirectories) through
 * LLVMFuzzerTestOneInput(), in name order, so the corpus is a regression test under gcc, ASan+UBSan and
 * valgrind.  A harness that finds a bug aborts (or the sanitizer does);
 * the driver prints the input's name first, so the failing entry is known.
 *
 *   fuzz-replay-NAME CORPUS_DIR|FILE...
 *
 * Exit status: 0 every input ran; 2 an argument could not be read or a
 * directory held no input (an empty corpus is a mistake, not a pass).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Read @path whole into a buffer of its exact size (no NUL added: the
 * harness must not read past it, as under libFuzzer). */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap ? cap * 2 : 4096);

			if (!nb) {
				fprintf(stderr, "replay: %s: out of memory\n",
					path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
			cap = cap ? cap * 2 : 4096;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* an exact-size copy, so ASan sees a read past the input */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, len);
		free(buf);
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned long *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				r = -1;
				break;
			}
			names = nn;
		}
		names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (!names[n]) {
			r = -1;
			break;
		}
		sprintf(names[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	if (!r && !n) {
		fprintf(stderr, "replay: %s: no input (an empty corpus)\n", dir);
		r = -1;
	}
	if (!r)
		qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (!r && stat(names[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", names[i],
				strerror(errno));
			r = -1;
		}
		if (!r && S_ISDIR(st.st_mode))
			r = run_dir(names[i], count);
		else if (!r && run_file(names[i]))
			r = -1;
		else if (!r)
			(*count)++;
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	struct stat st;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			return 2;
		}
		if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) :
		    run_file(argv[i]))
			return 2;
		if (!S_ISDIR(st.st_mode))
			count++;
	}
	printf("replay: %lu inputs, no failure\n", count);
	return 0;
}
