// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Find the lifelines in a screenshot of a dlmctl SVG diagram: pixel
 * columns holding a long unbroken vertical run of dark pixels (a lifeline
 * is a 2-pixel #222 line; text, dots and boxes make runs of a few pixels
 * only).  Prints
 *   size=WxH
 *   lines=N          groups of adjacent such columns
 *   x=X1,X2,...      the middle of each group
 *   band_rows=R      rows whose every pixel has the violation band's
 *                    colour (#ffe0e0, svg.c)
 * Usage: pnglines FILE.png [MIN_RUN]   (MIN_RUN: 150 pixels by default)
 * Exit status: 0, or 2 when the file is not a PNG it can read.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	png_image img;
	unsigned char *px;
	unsigned int *run, *best;
	unsigned long min_run = argc > 2 ? strtoul(argv[2], NULL, 10) : 150;
	unsigned int lines = 0, band_rows = 0, first = 0;
	int in = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: pnglines FILE.png [MIN_RUN]\n");
		return 2;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, argv[1])) {
		fprintf(stderr, "pnglines: %s: %s\n", argv[1], img.message);
		return 2;
	}
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	run = calloc(img.width + 1, sizeof(*run));
	best = calloc(img.width + 1, sizeof(*best));
	if (!px || !run || !best ||
	    !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		fprintf(stderr, "pnglines: %s: %s\n", argv[1],
			px && run && best ? img.message : "out of memory");
		return 2;
	}
	for (png_uint_32 y = 0; y < img.height; y++) {
		const unsigned char *row = px + (size_t)y * img.width * 3;
		int band = 1;

		for (png_uint_32 x = 0; x < img.width; x++) {
			const unsigned char *p = row + x * 3;
			int dark = 299 * p[0] + 587 * p[1] + 114 * p[2] < 128000;

			run[x] = dark ? run[x] + 1 : 0;
			if (run[x] > best[x])
				best[x] = run[x];
			if (abs(p[0] - 0xff) > 3 || abs(p[1] - 0xe0) > 3 ||
			    abs(p[2] - 0xe0) > 3)
				band = 0;
		}
		band_rows += band;
	}
	printf("size=%ux%u\nx=", img.width, img.height);
	for (png_uint_32 x = 0; x <= img.width; x++) {
		int on = x < img.width && best[x] >= min_run;

		if (on && !in)
			first = x;
		if (!on && in)
			printf("%s%u", lines++ ? "," : "", (first + x) / 2);
		in = on;
	}
	printf("\nlines=%u\nband_rows=%u\n", lines, band_rows);
	free(px);
	free(run);
	free(best);
	png_image_free(&img);
	return 0;
}
