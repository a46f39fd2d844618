/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "internal.h"

DLMR_EXPORT const char *dlmr_version(void)
{
	return DLMR_VERSION_STRING;
}
