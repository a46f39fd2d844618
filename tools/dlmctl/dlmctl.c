/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <dlmrecover.h>

int main(void)
{
	printf("dlmctl %s\n", dlmr_version());
	return 0;
}
