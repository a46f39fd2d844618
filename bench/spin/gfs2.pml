/*
 * bench/spin/gfs2.pml: a hand-written Promela model of gfs2's first-mounter
 * and journal-recovery protocol (Linux 6.1 fs/gfs2/lock_dlm.c:
 * control_mount, gfs2_control_func, control_first_done,
 * gdlm_recover_prep/slot/done, gdlm_recovery_result), for spin.  It is the
 * hand-written baseline that `dlmctl explore` is measured against
 * (bench/spin/run, bench/explore); it does not use the C engine.
 *
 *   spin -DN=3 -DF=1 -a gfs2.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan
 *
 * N nodes (1..4, default 3), N journals, up to F crashes (default 1), no
 * rejoins: the same bound as `dlmctl explore --nodes N --failures F
 * --rejoins 0`.  The initial state is a cold start: every node has joined
 * the lockspace at once and the first DLM recovery is under way.
 *
 * The protocol is gfs2's with the fix `first-done-serial` of the C engine
 * (lib/libdlmrecover/coord.c FIX_FIRST_DONE_SERIAL): control_first_done()
 * keeps DFL_FIRST_MOUNT until its two conversions are granted, then queues
 * the control work, and a recover_prep during those conversions blocks
 * locks.  Without it the unmodified protocol lets the control work and
 * control_first_done() share the control lksb (docs/findings.md).
 *
 * Processes.  One process per node (its mount thread, control work,
 * journal recoveries and DLM callbacks: each input is one d_step, as in
 * coord.c, where everything between two waits is atomic), and one `dlm`
 * process for crashes and lockspace recovery.
 *
 * What is modelled:
 *  - control lock, NL/EX, with a value block (generation, bitmap of jids
 *    needing recovery): read into the node's copy when EX is granted,
 *    written from it when EX->NL is granted with VALBLK;
 *  - mounted lock, NL/PR/EX; control_mount's EX and PR tries are NOQUEUE
 *    and fail with -EAGAIN when incompatible;
 *  - journal locks: a node's own journal EX (queued, held while mounted),
 *    other journals try-locked (NOQUEUE) for recovery, "Busy" -> GAVEUP;
 *  - DLM recovery after a crash or join: recover_prep to every running
 *    member, recover_slot(failed slot) to the survivors, slot assignment
 *    by the low node (existing slots kept, lowest free slot, generation +1
 *    on every assignment), then the dead node's locks are purged and
 *    recover_done(generation) goes to every member; a change during
 *    recovery restarts it at the stop (without a second prep), a change
 *    while recover_done callbacks are pending waits for them.  Lock
 *    completions are not delivered while the lockspace is stopped;
 *  - mount path: control NL, mounted NL, then loop { control EX try,
 *    mounted EX try -> first mounter (keeps both EX, takes its journal,
 *    recovers every journal one by one, control_first_done); else mounted
 *    PR try, control NL, check the lvb: all bits clear, generation >=
 *    recover_mount and == recover_start, not in DLM recovery -> unblock,
 *    take own journal, recover it, mounted; else mounted NL, sleep };
 *  - control work: EX, compare generations, clear bits of jids recovered,
 *    set bits of failures submitted before start_gen, write lvb at
 *    start_gen, NL, recover every jid whose bit is set (not our own),
 *    unblock when no bit is set and no prep/done came meanwhile; queued
 *    from recover_done and from recovery results, never running twice at
 *    once (queued while running: runs again when it returns);
 *  - filesystem: a node's journal is dirty from "mounted" on; a crash
 *    leaves it dirty and orphaned until a replay of it.
 *
 * Invariants (asserted after every step, like the C simulator's
 * check_invariants()):
 *  - S1: no live node is mounted and unblocked while a journal of a failed
 *    node it was told about (recover_slot) is dirty and unrecovered;
 *  - S2: no journal is replayed by two live nodes at once.
 *
 * Simplifications against the C engine (coord.c, simdlm.c, sim.c), each a
 * place where this model is smaller or coarser:
 *  1. Lock requests are decided when their completion is delivered (one
 *     step), not when the master processes them: a down-conversion's value
 *     block write happens with its completion, and a NOQUEUE request fails
 *     if it is incompatible at that moment.  No convert/wait queue order:
 *     a queued request is granted as soon as it is compatible with the
 *     granted modes; NOQUEUE does not fail because of queued requests.
 *  2. Value block invalidation (RSB_VALNOTVALID) is not modelled: the
 *     contents are kept when an EX holder dies, which is what gfs2 sees
 *     (it does not check the flag); the "no lock left, value block freed"
 *     case is not modelled (no node unlocks control here but a failed
 *     mount).
 *  3. Timers (the mount thread's 500 ms sleep, the control work's delayed
 *     queue) are nondeterministic steps without duration, as in the C
 *     engine; the GAVEUP 1 s delay is the same as a 0 delay.
 *  4. No unmount, no leave, no rejoin (R = 0), no spectator mounts, no
 *     mutants, no lvb generation 0xFFFFFFFF, no -EBUSY path of the work
 *     (first-done-serial removes it), recover_size fixed (all jids fit).
 *  5. A crashed node's protocol state is cleared at the crash (its granted
 *     locks stay until the recovery purges them); dead variables (the
 *     work's saved generations) are cleared when the work returns.  Both
 *     only merge states the C explorer keeps apart.
 *  6. The DLM callback queue of a node is three flags (prep, slot bitmap,
 *     done) delivered in that order, which is the only order the recovery
 *     model produces; slot callbacks of several failures may be delivered
 *     in any order (they commute).
 *  7. S3/S4/S5 (one first mounter, distinct jids, quiescence) are not
 *     checked; the run is for a states/s comparison, on S1 and S2.
 */

#ifndef N
#define N 3
#endif
#ifndef F
#define F 1
#endif
#define J N		/* journals */
#define NONE 255

/* lock modes */
#define IV 0
#define NL 1
#define PR 2
#define EX 3

/* mount thread (coord.c enum mp) */
#define MP_INIT 0
#define MP_CTRL_NL 1
#define MP_MNT_NL 2
#define MP_SLEEP 3
#define MP_MNT_RENL 4
#define MP_CTRL_EX 5
#define MP_MNT_EX 6
#define MP_MNT_PR 7
#define MP_CTRL_NL2 8
#define MP_JLOCK 9
#define MP_OWN_RECOVER 10
#define MP_FIRST_RECOVER 11
#define MP_FIRST_WAIT 12
#define MP_FD_MNT 13
#define MP_FD_CTRL 14
#define MP_MOUNTED 15
#define MP_FAILED 16

/* control work */
#define WP_IDLE 0
#define WP_EX 1
#define WP_ABORT_NL 2
#define WP_NL 3
/* work queue: idle, queued (timer armed), queued while running */
#define WQ_IDLE 0
#define WQ_TIMER 1
#define WQ_DEFERRED 2

/* journal recovery of one jid on one node */
#define JR_IDLE 0
#define JR_LOCK 1
#define JR_REPLAY 2
#define R_SUCCESS 1
#define R_GAVEUP 2

/* lockspace recovery phases (sim.c) */
#define RP_NONE 0
#define RP_STOP 1
#define RP_SLOTS 2
#define RP_LOCKS 3

#define me _pid
#define BIT(x) (1 << (x))

/* ---- DLM and membership ------------------------------------------------ */
byte gen;			/* slot generation */
byte phase = RP_STOP;		/* cold start: every node joined at once */
bit stopped = 1;
bit change_pending;
byte members;			/* bitmap of lockspace members */
byte crashedm;			/* members that crashed, not yet removed */
byte crashes;
byte slot[N];			/* 0: none */

byte lvb_gen, lvb_bits;		/* control lock value block */
byte ctl_gr[N], ctl_rq[N];	/* control: granted mode, requested (0 none) */
bit ctl_nq[N], ctl_wr[N];	/* NOQUEUE; EX->NL writes the value block */
byte ctl_ex;			/* holders of control EX */
byte mnt_gr[N], mnt_rq[N];	/* mounted */
bit mnt_nq[N];
byte mnt_ex, mnt_pr;		/* holders of mounted EX, PR */
byte jl[J];			/* journal lock holder + 1, 0: free */

/* ---- filesystem -------------------------------------------------------- */
byte dirty, orphan;		/* bitmaps of journals */
byte jowner[J];

/* ---- nodes: callback queue and coordinator ----------------------------- */
bit up[N] = 1;			/* cold start: every node joined */
bit running[N], joined[N];
bit pprep[N], pdone[N];
byte pslot[N];			/* bitmap of failed nodeids to deliver */
byte known[N];			/* told (recover_slot) these nodes failed */

bit blocked[N], mdone[N], fmount[N], first[N];
byte rblock[N], rstart[N], rmount[N];
byte jid[N] = NONE;
byte submit[N * J], result[N * J];
byte lgen[N], lbits[N];		/* the node's copy of the value block */
byte mp[N], mpj[N], wp[N], wq[N], wbg[N], wsg[N];
byte jrec[N * J];
bit replay[N * J];

hidden byte k1, k2, k3, wr, nset, jj, ss;

/* ---- lock mode bookkeeping --------------------------------------------- */
inline set_ctl(n, m)
{
	if
	:: ctl_gr[n] == EX -> ctl_ex--
	:: else
	fi;
	ctl_gr[n] = m;
	if
	:: m == EX -> ctl_ex++
	:: else
	fi
}

inline set_mnt(n, m)
{
	if
	:: mnt_gr[n] == EX -> mnt_ex--
	:: mnt_gr[n] == PR -> mnt_pr--
	:: else
	fi;
	mnt_gr[n] = m;
	if
	:: m == EX -> mnt_ex++
	:: m == PR -> mnt_pr++
	:: else
	fi
}

/* ---- invariants -------------------------------------------------------- */
inline check()
{
	k3 = 0;
	do
	:: k3 < N ->
		if
		:: up[k3] && mp[k3] == MP_MOUNTED && !blocked[k3] ->
			ss = 0;
			do
			:: ss < J ->
				/* S1 */
				assert(!((orphan & BIT(ss)) &&
					 (known[k3] & BIT(jowner[ss]))));
				ss++
			:: else -> break
			od
		:: else
		fi;
		k3++
	:: else -> break
	od;
	k3 = 0; ss = 0
}

/* ---- journal recovery -------------------------------------------------- */
inline start_replay(j)
{
	k2 = 0;
	do
	:: k2 < N ->
		/* S2 */
		assert(k2 == me || !up[k2] || !replay[k2 * J + j]);
		k2++
	:: else -> break
	od;
	k2 = 0;
	replay[me * J + j] = 1
}

/* gfs2_recover_journal(): own journal already locked, others try-locked */
inline recover_journal(j)
{
	if
	:: jrec[me * J + j] != JR_IDLE	/* JDF_RECOVERY: -EBUSY */
	:: else ->
		if
		:: j == jid[me] ->
			jrec[me * J + j] = JR_REPLAY;
			start_replay(j)
		:: else ->
			jrec[me * J + j] = JR_LOCK
		fi
	fi
}

inline clear_submit_result()
{
	k2 = 0;
	do
	:: k2 < J -> submit[me * J + k2] = 0; result[me * J + k2] = 0; k2++
	:: else -> break
	od;
	k2 = 0
}

inline become_mounted()
{
	mp[me] = MP_MOUNTED;
	dirty = dirty | BIT(jid[me]);
	orphan = orphan & ~BIT(jid[me]);
	jowner[jid[me]] = me
}

/* init_journal() on the first mounter, then control_first_done() */
inline first_recover_next()
{
	do
	:: mpj[me] < J ->
		mp[me] = MP_FIRST_RECOVER;
		jj = mpj[me];
		recover_journal(jj);
		if
		:: jrec[me * J + jj] == JR_IDLE -> mpj[me]++
		:: else -> break
		fi
	:: else ->
		mp[me] = MP_FIRST_WAIT;
		if
		:: rstart[me] != rblock[me] ->
			/* first-done-serial: forget failures, keep
			 * DFL_FIRST_MOUNT until both conversions are done */
			clear_submit_result();
			lgen[me] = rstart[me];
			lbits[me] = 0;
			mp[me] = MP_FD_MNT;
			mnt_rq[me] = PR;
			mnt_nq[me] = 0
		:: else		/* wait for recover_done */
		fi;
		break
	od;
	jj = 0
}

/* control_first_done() finished (first-done-serial) */
inline first_done_finished()
{
	fmount[me] = 0;
	if
	:: wq[me] == WQ_IDLE -> wq[me] = WQ_TIMER
	:: else
	fi;
	become_mounted()
}

/* ---- control work (gfs2_control_func) ---------------------------------- */
inline work_start()
{
	if
	:: mdone[me] && !fmount[me] && rblock[me] != rstart[me] &&
	   ctl_rq[me] == 0 ->
		wbg[me] = rblock[me];
		wsg[me] = rstart[me];
		wp[me] = WP_EX;
		ctl_rq[me] = EX;
		ctl_nq[me] = 0
	:: else
	fi
}

inline work_return()
{
	wp[me] = WP_IDLE;
	wbg[me] = 0;
	wsg[me] = 0;
	if
	:: wq[me] == WQ_DEFERRED -> wq[me] = WQ_IDLE; work_start()
	:: else
	fi
}

inline queue_work()
{
	if
	:: wq[me] == WQ_IDLE -> wq[me] = WQ_TIMER
	:: else
	fi
}

/* control_lock EX granted, value block read into lgen/lbits */
inline work_ex_granted()
{
	if
	:: wbg[me] != rblock[me] || wsg[me] != rstart[me] ->
		wp[me] = WP_ABORT_NL;
		ctl_rq[me] = NL;
		ctl_wr[me] = 0
	:: else ->
		wr = 0;
		if
		:: lgen[me] <= wsg[me] ->
			/* clear bits of jids we have recovered */
			k1 = 0;
			do
			:: k1 < J ->
				if
				:: result[me * J + k1] == R_SUCCESS ->
					result[me * J + k1] = 0;
					if
					:: lbits[me] & BIT(k1) ->
						lbits[me] = lbits[me] & ~BIT(k1);
						wr = 1
					:: else
					fi
				:: else
				fi;
				k1++
			:: else -> break
			od
		:: else
		fi;
		if
		:: lgen[me] == wsg[me] ->
			/* failures before start_gen are already in the lvb */
			k1 = 0;
			do
			:: k1 < J ->
				if
				:: submit[me * J + k1] != 0 &&
				   submit[me * J + k1] < lgen[me] ->
					submit[me * J + k1] = 0
				:: else
				fi;
				k1++
			:: else -> break
			od
		:: lgen[me] < wsg[me] ->
			/* failures before start_gen are not yet in it */
			k1 = 0;
			do
			:: k1 < J ->
				if
				:: submit[me * J + k1] != 0 &&
				   submit[me * J + k1] < wsg[me] ->
					submit[me * J + k1] = 0;
					lbits[me] = lbits[me] | BIT(k1)
				:: else
				fi;
				k1++
			:: else -> break
			od;
			wr = 1
		:: else	/* a recover_done for lvb_gen comes soon */
		fi;
		wp[me] = WP_NL;
		ctl_rq[me] = NL;
		if
		:: wr -> lgen[me] = wsg[me]; ctl_wr[me] = 1
		:: else -> ctl_wr[me] = 0
		fi;
		wr = 0; k1 = 0
	fi
}

/* control_lock back in NL: recover what the lvb asks for, or unblock */
inline work_nl_done()
{
	nset = 0;
	k1 = 0;
	do
	:: k1 < J ->
		if
		:: lbits[me] & BIT(k1) ->
			if
			:: k1 != jid[me] -> recover_journal(k1)
			:: else
			fi;
			nset++
		:: else
		fi;
		k1++
	:: else -> break
	od;
	if
	:: nset == 0 && rblock[me] == wbg[me] && rstart[me] == wsg[me] ->
		blocked[me] = 0
	:: else
	fi;
	nset = 0; k1 = 0;
	work_return()
}

/* gdlm_recovery_result() and the mount thread's wait, for journal j */
inline journal_ended(j, res)
{
	jrec[me * J + j] = JR_IDLE;
	if
	:: j != jid[me] && !fmount[me] ->
		result[me * J + j] = res;
		queue_work()
	:: else
	fi;
	if
	:: mp[me] == MP_FIRST_RECOVER && j == mpj[me] ->
		mpj[me]++;
		first_recover_next()
	:: mp[me] == MP_OWN_RECOVER && j == jid[me] ->
		become_mounted()
	:: else
	fi
}

/* ---- mount thread (control_mount) -------------------------------------- */
inline mount_restart()
{
	if
	:: mnt_gr[me] != NL ->
		mp[me] = MP_MNT_RENL;
		mnt_rq[me] = NL;
		mnt_nq[me] = 0
	:: else ->
		mp[me] = MP_SLEEP
	fi
}

inline mount_fail()
{
	set_mnt(me, IV);
	set_ctl(me, IV);
	mp[me] = MP_FAILED
}

inline mount_locks_done()
{
	if
	:: mnt_gr[me] == EX ->
		/* first mounter: keep both EX during first recovery */
		blocked[me] = 0;
		mdone[me] = 1;
		fmount[me] = 1;
		first[me] = 1;
		mp[me] = MP_JLOCK
	:: else ->
		mp[me] = MP_CTRL_NL2;
		ctl_rq[me] = NL;
		ctl_nq[me] = 0;
		ctl_wr[me] = 0
	fi
}

inline mount_check_lvb()
{
	if
	:: lbits[me] != 0 || lgen[me] < rmount[me] ||
	   lgen[me] != rstart[me] || rblock[me] == rstart[me] ->
		mount_restart()
	:: else ->
		blocked[me] = 0;
		mdone[me] = 1;
		clear_submit_result();
		mp[me] = MP_JLOCK
	fi
}

/* ---- a node ------------------------------------------------------------ */
/* completion of a try-lock on journal j, for recovery */
#define JOURNAL_LOCKED(j) \
	:: d_step { (j) < J && up[me] && !stopped && \
		    jrec[me * J + (j)] == JR_LOCK -> \
		if \
		:: jl[j] == 0 -> \
			jl[j] = me + 1; \
			jrec[me * J + (j)] = JR_REPLAY; \
			start_replay(j) \
		:: else -> /* "Busy": GAVEUP */ \
			journal_ended(j, R_GAVEUP) \
		fi; \
		check() }

/* a replay of journal j is over (gfs2_recover_func) */
#define JOURNAL_REPLAYED(j) \
	:: d_step { (j) < J && up[me] && replay[me * J + (j)] -> \
		replay[me * J + (j)] = 0; \
		if \
		:: (dirty & BIT(j)) && \
		   !(jowner[j] == me && !(orphan & BIT(j))) -> \
			dirty = dirty & ~BIT(j); \
			orphan = orphan & ~BIT(j) \
		:: else \
		fi; \
		if \
		:: (j) != jid[me] -> jl[j] = 0 \
		:: else \
		fi; \
		journal_ended(j, R_SUCCESS); \
		check() }

active [N] proctype node()
{
end:
	do
	/* gdlm_recover_prep() */
	:: d_step { up[me] && pprep[me] ->
		pprep[me] = 0;
		rblock[me] = rstart[me];
		if
		:: mdone[me] && (!fmount[me] || mp[me] == MP_FD_MNT ||
				 mp[me] == MP_FD_CTRL) ->
			blocked[me] = 1
		:: else
		fi;
		check() }
	/* gdlm_recover_slot(), one failed node at a time, any order */
	:: d_step { up[me] && !pprep[me] && pslot[me] != 0 ->
		k1 = 0;
		do
		:: pslot[me] & BIT(k1) -> break
		:: else -> k1++
		od;
		pslot[me] = pslot[me] & ~BIT(k1);
		known[me] = known[me] | BIT(k1);
		if
		:: slot[k1] != 0 ->
			submit[me * J + slot[k1] - 1] = rblock[me]
		:: else	/* never had a slot: not fed (docs/findings.md) */
		fi;
		k1 = 0;
		check() }
	/* gdlm_recover_done(), and the mount on the first one */
	:: d_step { up[me] && !pprep[me] && pslot[me] == 0 && pdone[me] ->
		pdone[me] = 0;
		running[me] = 1;
		rstart[me] = gen;
		if
		:: rmount[me] == 0 ->
			rmount[me] = gen;
			jid[me] = slot[me] - 1
		:: else
		fi;
		queue_work();
		if
		:: mp[me] == MP_FIRST_WAIT -> first_recover_next()
		:: else
		fi;
		if
		:: !joined[me] ->
			joined[me] = 1;
			blocked[me] = 1;
			mp[me] = MP_CTRL_NL;
			ctl_rq[me] = NL;
			ctl_nq[me] = 0;
			ctl_wr[me] = 0
		:: else
		fi;
		check() }
	/* control lock completion */
	:: d_step { up[me] && !stopped && ctl_rq[me] != 0 &&
		    (ctl_nq[me] || ctl_rq[me] != EX ||
		     ctl_ex == (ctl_gr[me] == EX)) ->
		if
		:: ctl_rq[me] != EX || ctl_ex == (ctl_gr[me] == EX) ->
			if
			:: ctl_rq[me] == EX ->
				lgen[me] = lvb_gen;
				lbits[me] = lvb_bits
			:: ctl_gr[me] == EX && ctl_wr[me] ->
				lvb_gen = lgen[me];
				lvb_bits = lbits[me]
			:: else
			fi;
			set_ctl(me, ctl_rq[me]);
			ctl_rq[me] = 0;
			ctl_wr[me] = 0;
			ctl_nq[me] = 0;
			if
			:: wp[me] == WP_EX -> work_ex_granted()
			:: wp[me] == WP_ABORT_NL -> work_return()
			:: wp[me] == WP_NL -> work_nl_done()
			:: wp[me] == WP_IDLE && mp[me] == MP_CTRL_NL ->
				mp[me] = MP_MNT_NL;
				mnt_rq[me] = NL;
				mnt_nq[me] = 0
			:: wp[me] == WP_IDLE && mp[me] == MP_CTRL_EX ->
				mp[me] = MP_MNT_EX;
				mnt_rq[me] = EX;
				mnt_nq[me] = 1
			:: wp[me] == WP_IDLE && mp[me] == MP_CTRL_NL2 ->
				mount_check_lvb()
			:: wp[me] == WP_IDLE && mp[me] == MP_FD_CTRL ->
				first_done_finished()
			:: else -> assert(0)	/* -EPROTO */
			fi
		:: else ->	/* NOQUEUE: -EAGAIN */
			ctl_rq[me] = 0;
			ctl_nq[me] = 0;
			assert(wp[me] == WP_IDLE && mp[me] == MP_CTRL_EX);
			mount_restart()
		fi;
		check() }
	/* mounted lock completion */
	:: d_step { up[me] && !stopped && mnt_rq[me] != 0 &&
		    (mnt_nq[me] || mnt_rq[me] == NL ||
		     (mnt_rq[me] == PR && mnt_ex == (mnt_gr[me] == EX)) ||
		     (mnt_rq[me] == EX && mnt_ex + mnt_pr ==
		      (mnt_gr[me] == EX || mnt_gr[me] == PR))) ->
		if
		:: mnt_rq[me] == NL ||
		   (mnt_rq[me] == PR && mnt_ex == (mnt_gr[me] == EX)) ||
		   (mnt_rq[me] == EX && mnt_ex + mnt_pr ==
		    (mnt_gr[me] == EX || mnt_gr[me] == PR)) ->
			set_mnt(me, mnt_rq[me]);
			mnt_rq[me] = 0;
			mnt_nq[me] = 0;
			if
			:: mp[me] == MP_MNT_NL -> mount_restart()
			:: mp[me] == MP_MNT_RENL -> mp[me] = MP_SLEEP
			:: mp[me] == MP_MNT_EX || mp[me] == MP_MNT_PR ->
				mount_locks_done()
			:: mp[me] == MP_FD_MNT ->
				if
				:: ctl_rq[me] != 0 -> first_done_finished()
				:: else ->
					mp[me] = MP_FD_CTRL;
					ctl_rq[me] = NL;
					ctl_nq[me] = 0;
					ctl_wr[me] = 1
				fi
			:: else -> assert(0)
			fi
		:: else ->	/* NOQUEUE: -EAGAIN */
			mnt_rq[me] = 0;
			mnt_nq[me] = 0;
			if
			:: mp[me] == MP_MNT_EX ->
				mp[me] = MP_MNT_PR;
				mnt_rq[me] = PR;
				mnt_nq[me] = 1
			:: mp[me] == MP_MNT_PR -> mount_fail()
			:: else -> assert(0)
			fi
		fi;
		check() }
	/* own journal lock granted (init_journal) */
	:: d_step { up[me] && !stopped && mp[me] == MP_JLOCK &&
		    jl[jid[me]] == 0 ->
		jl[jid[me]] = me + 1;
		if
		:: first[me] -> mpj[me] = 0; first_recover_next()
		:: else ->
			mp[me] = MP_OWN_RECOVER;
			jj = jid[me];
			recover_journal(jj);
			jj = 0
		fi;
		check() }
	/* the mount thread's msleep_interruptible(500) is over */
	:: d_step { up[me] && mp[me] == MP_SLEEP ->
		mp[me] = MP_CTRL_EX;
		ctl_rq[me] = EX;
		ctl_nq[me] = 1;
		ctl_wr[me] = 0;
		check() }
	/* the control work's timer fires */
	:: d_step { up[me] && wq[me] == WQ_TIMER ->
		if
		:: wp[me] != WP_IDLE -> wq[me] = WQ_DEFERRED
		:: else -> wq[me] = WQ_IDLE; work_start()
		fi;
		check() }
	JOURNAL_LOCKED(0)
	JOURNAL_LOCKED(1)
	JOURNAL_LOCKED(2)
	JOURNAL_LOCKED(3)
	JOURNAL_REPLAYED(0)
	JOURNAL_REPLAYED(1)
	JOURNAL_REPLAYED(2)
	JOURNAL_REPLAYED(3)
	od
}

/* ---- crashes and lockspace recovery ------------------------------------ */
inline start_stop()
{
	change_pending = 0;
	stopped = 1;
	k2 = 0;
	do
	:: k2 < N ->
		if
		:: up[k2] && running[k2] -> running[k2] = 0; pprep[k2] = 1
		:: else
		fi;
		k2++
	:: else -> break
	od;
	k2 = 0;
	phase = RP_STOP
}

#define CRASH(n) \
	:: d_step { (n) < N && crashes < F && up[n] -> \
		up[n] = 0; \
		crashes++; \
		if \
		:: jid[n] != NONE && (dirty & BIT(jid[n])) && \
		   jowner[jid[n]] == (n) -> \
			orphan = orphan | BIT(jid[n]) \
		:: else \
		fi; \
		k1 = 0; \
		do \
		:: k1 < N -> known[k1] = known[k1] & ~BIT(n); k1++ \
		:: else -> break \
		od; \
		k1 = 0; \
		/* its callback queue and protocol state are gone; its \
		 * granted locks stay until the recovery purges them */ \
		running[n] = 0; joined[n] = 0; pprep[n] = 0; pslot[n] = 0; \
		pdone[n] = 0; known[n] = 0; blocked[n] = 0; mdone[n] = 0; \
		fmount[n] = 0; first[n] = 0; rblock[n] = 0; rstart[n] = 0; \
		rmount[n] = 0; lgen[n] = 0; lbits[n] = 0; mp[n] = MP_FAILED; \
		mpj[n] = 0; wp[n] = WP_IDLE; wq[n] = WQ_IDLE; wbg[n] = 0; \
		wsg[n] = 0; ctl_rq[n] = 0; ctl_nq[n] = 0; ctl_wr[n] = 0; \
		mnt_rq[n] = 0; mnt_nq[n] = 0; \
		k1 = 0; \
		do \
		:: k1 < J -> \
			submit[(n) * J + k1] = 0; result[(n) * J + k1] = 0; \
			jrec[(n) * J + k1] = 0; replay[(n) * J + k1] = 0; \
			k1++ \
		:: else -> break \
		od; \
		k1 = 0; \
		if \
		:: members & BIT(n) -> crashedm = crashedm | BIT(n) \
		:: else \
		fi; \
		/* membership_changed() */ \
		if \
		:: phase == RP_NONE && \
		   (pdone[0] || pdone[1 % N] || pdone[2 % N] || pdone[3 % N]) -> \
			change_pending = 1 \
		:: else -> start_stop() \
		fi; \
		check() }

active proctype dlm()
{
end:
	do
	CRASH(0)
	CRASH(1)
	CRASH(2)
	CRASH(3)
	/* a change that waited for the recover_done callbacks */
	:: d_step { phase == RP_NONE && change_pending &&
		    !(pdone[0] || pdone[1 % N] || pdone[2 % N] ||
		      pdone[3 % N]) ->
		start_stop();
		check() }
	/* every prep delivered: removed members that failed get a slot cb */
	:: d_step { phase == RP_STOP &&
		    !(pprep[0] || pprep[1 % N] || pprep[2 % N] ||
		      pprep[3 % N]) ->
		nset = 0;	/* the target: live members */
		k1 = 0;
		do
		:: k1 < N ->
			if
			:: up[k1] -> nset = nset | BIT(k1)
			:: else
			fi;
			k1++
		:: else -> break
		od;
		k1 = 0;
		do
		:: k1 < N ->
			if
			:: (members & ~nset & BIT(k1)) && (crashedm & BIT(k1)) ->
				k2 = 0;
				do
				:: k2 < N ->
					if
					:: members & nset & BIT(k2) ->
						pslot[k2] = pslot[k2] | BIT(k1)
					:: else
					fi;
					k2++
				:: else -> break
				od;
				k2 = 0
			:: else
			fi;
			if
			:: members & ~nset & BIT(k1) ->
				crashedm = crashedm & ~BIT(k1)
			:: else
			fi;
			k1++
		:: else -> break
		od;
		k1 = 0;
		members = nset;
		nset = 0;
		phase = RP_SLOTS;
		check() }
	/* every slot cb delivered: the low node assigns slots */
	:: d_step { phase == RP_SLOTS &&
		    !(pslot[0] || pslot[1 % N] || pslot[2 % N] ||
		      pslot[3 % N]) ->
		k1 = 0;
		do
		:: k1 < N ->
			if
			:: !(members & BIT(k1)) -> slot[k1] = 0
			:: else
			fi;
			k1++
		:: else -> break
		od;
		k1 = 0;
		do
		:: k1 < N ->
			if
			:: (members & BIT(k1)) && slot[k1] == 0 ->
				/* lowest free slot */
				ss = 1;
				do
				:: (slot[0] == ss || slot[1 % N] == ss ||
				    slot[2 % N] == ss || slot[3 % N] == ss) ->
					ss++
				:: else -> break
				od;
				slot[k1] = ss;
				ss = 0
			:: else
			fi;
			k1++
		:: else -> break
		od;
		k1 = 0;
		gen++;
		phase = RP_LOCKS;
		check() }
	/* lock recovery: purge the dead nodes' locks, recover_done to all */
	:: d_step { phase == RP_LOCKS ->
		k1 = 0;
		do
		:: k1 < N ->
			if
			:: !up[k1] ->
				set_ctl(k1, IV);
				set_mnt(k1, IV);
				k2 = 0;
				do
				:: k2 < J ->
					if
					:: jl[k2] == k1 + 1 -> jl[k2] = 0
					:: else
					fi;
					k2++
				:: else -> break
				od;
				k2 = 0
			:: else
			fi;
			if
			:: members & BIT(k1) -> pdone[k1] = 1
			:: else
			fi;
			k1++
		:: else -> break
		od;
		k1 = 0;
		stopped = 0;
		phase = RP_NONE;
		check() }
	od
}
