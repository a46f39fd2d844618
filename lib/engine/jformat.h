/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journals of the miniature cluster filesystem the examples run
 * (docs/kernel-example.md): their on-disk records and the checks a
 * replay makes.  One copy for both users: the kernel consumer
 * (examples/kernel/journal.c, built with this folder copied beside it)
 * and the userspace driver's directory replayer
 * (lib/libdlmrecover/driver.c).  Only the layout and the checks are
 * here; each side does its own I/O.
 *
 * A journal is 512-byte sectors.  Sector 0 is the header (clean or
 * dirty, the owner, a generation bumped at each mount), then one record
 * a sector, numbered 1, 2, 3... in its generation, each checksummed.
 * A replay reads records of the header's generation from sector 1 until
 * the first sector that is not the next one (the end); a record that is
 * the next one but whose checksum, journal or owner is wrong is counted
 * bad.  Then the journal is marked clean.
 */
#ifndef DLMR_JFORMAT_H
#define DLMR_JFORMAT_H

#ifdef __KERNEL__
#include <linux/crc32.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
#define JF_LE32(x) cpu_to_le32(x)
#define JF_LE64(x) cpu_to_le64(x)
#define JF_U32(x) le32_to_cpu(x)
#define JF_U64(x) le64_to_cpu(x)
typedef __le32 jf_le32;
typedef __le64 jf_le64;
#else
#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#define JF_LE32(x) htole32(x)
#define JF_LE64(x) htole64(x)
#define JF_U32(x) le32toh(x)
#define JF_U64(x) le64toh(x)
typedef uint32_t jf_le32;
typedef uint64_t jf_le64;
#endif

#define JF_SECTOR	512
#define JF_MAGIC_HDR	0x444a4844	/* "DHJD" */
#define JF_MAGIC_REC	0x444a5244	/* "DRJD" */

/* On disk, little-endian: sector 0 of a journal. */
struct jf_hdr {
	jf_le32 magic;
	jf_le32 jid;
	jf_le32 dirty;		/* 1 while its owner is mounted */
	jf_le32 node;		/* the owner of this generation */
	jf_le64 gen;		/* bumped at each mount */
	jf_le32 crc;		/* jf_crc() of the bytes before it */
};

/* On disk: sectors 1.. of a journal, one record a sector. */
struct jf_rec {
	jf_le32 magic;
	jf_le32 jid;
	jf_le64 gen;
	jf_le64 seq;		/* 1, 2, 3... in a generation */
	jf_le32 node;
	jf_le32 crc;		/* jf_crc() of the sector with crc = 0 */
	char payload[JF_SECTOR - 32];
};

/* The kernel's crc32_le(~0, p, n): reflected CRC-32, no final xor. */
static inline uint32_t jf_crc(const void *p, size_t n)
{
#ifdef __KERNEL__
	return crc32_le(~0, p, n);
#else
	const unsigned char *b = p;
	uint32_t crc = ~0u;

	while (n--) {
		crc ^= *b++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return crc;
#endif
}

/* Fill a header. */
static inline void jf_hdr_fill(struct jf_hdr *h, int jid, bool dirty,
			       uint32_t node, uint64_t gen)
{
	memset(h, 0, sizeof(*h));
	h->magic = JF_LE32(JF_MAGIC_HDR);
	h->jid = JF_LE32((uint32_t)jid);
	h->dirty = JF_LE32(dirty ? 1 : 0);
	h->node = JF_LE32(node);
	h->gen = JF_LE64(gen);
	h->crc = JF_LE32(jf_crc(h, offsetof(struct jf_hdr, crc)));
}

/* A header as read: one never written (bad magic or checksum) is taken
 * as clean, generation 0. */
static inline void jf_hdr_check(struct jf_hdr *h)
{
	if (JF_U32(h->magic) != JF_MAGIC_HDR ||
	    JF_U32(h->crc) != jf_crc(h, offsetof(struct jf_hdr, crc)))
		memset(h, 0, sizeof(*h));
}

/* Fill record @seq of generation @gen (the payload is the caller's
 * text, set before: the checksum covers it). */
static inline void jf_rec_seal(struct jf_rec *r, int jid, uint32_t node,
			       uint64_t gen, uint64_t seq)
{
	r->magic = JF_LE32(JF_MAGIC_REC);
	r->jid = JF_LE32((uint32_t)jid);
	r->gen = JF_LE64(gen);
	r->seq = JF_LE64(seq);
	r->node = JF_LE32(node);
	r->crc = 0;
	r->crc = JF_LE32(jf_crc(r, JF_SECTOR));
}

/* What a replay makes of sector @s of journal @jid, header @h. */
enum jf_verdict {
	JF_END = 0,	/* not the next record of this generation: the end */
	JF_GOOD = 1,	/* the next record */
	JF_BAD = 2,	/* the next record, but checksum, jid or owner wrong */
};

/* Check record @r read at sector @s (its crc field is zeroed). */
static inline enum jf_verdict jf_rec_check(const struct jf_hdr *h,
					   struct jf_rec *r, int jid,
					   uint64_t s)
{
	uint32_t crc;

	if (JF_U32(r->magic) != JF_MAGIC_REC ||
	    JF_U64(r->gen) != JF_U64(h->gen) || JF_U64(r->seq) != s)
		return JF_END;
	crc = JF_U32(r->crc);
	r->crc = 0;
	if (crc != jf_crc(r, JF_SECTOR) || JF_U32(r->jid) != (uint32_t)jid ||
	    JF_U32(r->node) != JF_U32(h->node))
		return JF_BAD;
	return JF_GOOD;
}

#endif
