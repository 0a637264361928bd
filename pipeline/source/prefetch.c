/* SPDX-License-Identifier: MIT */
/* The decode-ahead thread and its bounded queue (see prefetch.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "frame.h"
#include "prefetch.h"

struct slot {
	struct uhd_frame frame; /* frame.av holds its own reference */
	struct uhd_prefetched info;
	struct uhd_log_record log; /* what decoding it logged: told when it is taken */
};

struct uhd_prefetch {
	struct uhd_source *source;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct slot slots[UHD_PREFETCH_MAX_DEPTH + 1];
	int capacity;      /* slots: depth waiting + the one the caller holds */
	int64_t limit;     /* frames to decode at most, -1 for all */
	int head, count;   /* filled slots, oldest at head */
	bool caller_holds; /* the caller still uses the slot before head */
	bool stopping;
	bool ended; /* the thread stopped: `status` says why */
	int status; /* 1 end of clip, or a negative error */
	/* The thread's messages since its last frame; at the end, those that go with
	 * `status` (told when the caller gets it). */
	struct uhd_log_record log;
	bool status_told;
};

/* Waits for a free slot; false when asked to stop. */
static bool wait_for_room(struct uhd_prefetch *p)
{
	pthread_mutex_lock(&p->lock);
	while (!p->stopping && p->count + (p->caller_holds ? 1 : 0) >= p->capacity) {
		pthread_cond_wait(&p->changed, &p->lock);
	}
	bool go_on = !p->stopping;
	pthread_mutex_unlock(&p->lock);
	return go_on;
}

static void finish(struct uhd_prefetch *p, int status)
{
	pthread_mutex_lock(&p->lock);
	p->ended = true;
	p->status = status;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

/* Moves the source's frame into the next free slot. */
static int queue_frame(struct uhd_prefetch *p, const struct uhd_frame *frame, double decode_ms)
{
	pthread_mutex_lock(&p->lock);
	struct slot *slot = &p->slots[(p->head + p->count) % p->capacity];
	pthread_mutex_unlock(&p->lock);
	/* The slot is free: only this thread writes it until it is counted. */
	int ret = av_frame_ref(slot->frame.av, frame->av);
	if (ret < 0) {
		return ret;
	}
	slot->frame.damage = frame->damage;
	slot->info.decode_ms = decode_ms;
	slot->info.time_s = uhd_frame_time_s(frame, p->source);
	/* The slot's record was told and emptied when it was taken: swap the buffers. */
	struct uhd_log_record told = slot->log;
	slot->log = p->log;
	p->log = told;
	pthread_mutex_lock(&p->lock);
	p->count++;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static void *decode_thread(void *arg)
{
	struct uhd_prefetch *p = arg;
	uhd_log_keep(&p->log);
	for (int64_t n = 0;; n++) {
		if (p->limit >= 0 && n >= p->limit) {
			finish(p, 1);
			return NULL;
		}
		const struct uhd_frame *frame;
		double t0 = uhd_now_ms();
		int ret = uhd_source_next_frame(p->source, &frame);
		double decode_ms = uhd_now_ms() - t0;
		if (ret == 0 && !wait_for_room(p)) {
			ret = 1;
		}
		if (ret == 0) {
			ret = queue_frame(p, frame, decode_ms);
		}
		if (ret != 0) {
			finish(p, ret);
			return NULL;
		}
	}
}

static void free_slots(struct uhd_prefetch *p)
{
	for (int i = 0; i < p->capacity; i++) {
		av_frame_free(&p->slots[i].frame.av);
		uhd_log_record_free(&p->slots[i].log);
	}
	uhd_log_record_free(&p->log);
}

int uhd_prefetch_start(struct uhd_source *src, int depth, int64_t limit, struct uhd_prefetch **out)
{
	*out = NULL;
	if (depth < 1 || depth > UHD_PREFETCH_MAX_DEPTH) {
		return -EINVAL;
	}
	struct uhd_prefetch *p = calloc(1, sizeof(*p));
	if (!p) {
		return -ENOMEM;
	}
	p->source = src;
	p->capacity = depth + 1;
	p->limit = limit;
	for (int i = 0; i < p->capacity; i++) {
		p->slots[i].frame.av = av_frame_alloc();
		if (!p->slots[i].frame.av) {
			free_slots(p);
			free(p);
			return -ENOMEM;
		}
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	int err = pthread_create(&p->thread, NULL, decode_thread, p);
	if (err != 0) {
		uhd_error("cannot start the decoding thread: %s", strerror(err));
		pthread_cond_destroy(&p->changed);
		pthread_mutex_destroy(&p->lock);
		free_slots(p);
		free(p);
		return -err;
	}
	*out = p;
	return 0;
}

/* Gives the slot the caller held back to the thread. */
static void release_held(struct uhd_prefetch *p)
{
	if (!p->caller_holds) {
		return;
	}
	int held = (p->head + p->capacity - 1) % p->capacity;
	av_frame_unref(p->slots[held].frame.av);
	p->caller_holds = false;
	pthread_cond_broadcast(&p->changed);
}

int uhd_prefetch_next(struct uhd_prefetch *p, const struct uhd_frame **frame,
                      struct uhd_prefetched *info)
{
	*frame = NULL;
	pthread_mutex_lock(&p->lock);
	release_held(p);
	while (p->count == 0 && !p->ended) {
		pthread_cond_wait(&p->changed, &p->lock);
	}
	int ret = 0;
	struct uhd_log_record *told = NULL;
	if (p->count > 0) {
		struct slot *slot = &p->slots[p->head];
		*frame = &slot->frame;
		if (info) {
			*info = slot->info;
		}
		p->head = (p->head + 1) % p->capacity;
		p->count--;
		p->caller_holds = true;
		told = &slot->log;
	} else {
		ret = p->status;
		told = p->status_told ? NULL : &p->log; /* the thread has ended: ours */
		p->status_told = true;
	}
	pthread_mutex_unlock(&p->lock);
	/* The slot is the caller's until the next call, the ended thread's record ours. */
	if (told) {
		uhd_log_replay(told);
	}
	return ret;
}

bool uhd_prefetch_wait(struct uhd_prefetch *p, int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)timeout_ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&p->lock);
	release_held(p);
	int waited = 0;
	while (p->count == 0 && !p->ended && waited == 0) {
		waited = pthread_cond_timedwait(&p->changed, &p->lock, &until);
	}
	bool ready = p->count > 0 || p->ended;
	pthread_mutex_unlock(&p->lock);
	return ready;
}

void uhd_prefetch_stop(struct uhd_prefetch **pp)
{
	struct uhd_prefetch *p = *pp;
	if (!p) {
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	free_slots(p);
	free(p);
	*pp = NULL;
}
