/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers shared by the library's modules; not installed. */
#ifndef DLMR_INTERNAL_H
#define DLMR_INTERNAL_H

#include "dlmrecover.h"

#define DLMR_EXPORT __attribute__((visibility("default")))
#define DLMR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
