/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine's few primitives, mapped to the kernel or to libc.
 *
 * The files of lib/engine (the coordinator: gfs2's protocol as a sans-I/O
 * state machine) compile unchanged into libdlmrecover and into a kernel
 * module (examples/kernel/dlmr_journal.ko, built by the kernel test
 * suite).  So they are freestanding C: no libc beyond what is mapped here
 * (memset, memcpy, errno values, one allocation at creation), no floating
 * point, no sleeping and no allocation while an input is fed (a caller
 * may feed from a DLM callback under a spinlock), and they include only
 * this header and their own.
 */
#ifndef DLMR_ENGINE_H
#define DLMR_ENGINE_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

/* dlmr_coord_new() only: process context, may sleep */
#define ENGINE_ZALLOC(n) kzalloc((n), GFP_KERNEL)
#define ENGINE_FREE(p) kfree(p)
/* a kernel module exports nothing by default */
#define DLMR_EXPORT
#else
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ENGINE_ZALLOC(n) calloc(1, (n))
#define ENGINE_FREE(p) free(p)
#ifndef DLMR_EXPORT
#define DLMR_EXPORT __attribute__((visibility("default")))
#endif
#endif

#include "dlmrecover.h"

#endif
