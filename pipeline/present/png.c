/* SPDX-License-Identifier: MIT */
/*
 * The png presenter: one 16-bit (or 8-bit SDR) PNG per frame,
 * DIR/frame-NNNNNN.png. Encoding (zlib) is the slow part, so frames are
 * copied and encoded on worker threads while the pipeline goes on; the copies
 * in flight are bounded in bytes, so memory stays flat at 8K. A failed write
 * is reported by the next present() or by finish(), and no later frame is
 * written after it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/paths.h"
#include "../image/png_file.h"
#include "folder.h"
#include "presenter.h"

#define WORKERS          2
#define MAX_JOBS         3
#define IN_FLIGHT_BUDGET (160u << 20) /* bytes of frame copies queued or being written */

struct png_job {
	struct uhd_image image; /* image.data points at pixels */
	uint8_t *pixels;
	size_t capacity; /* bytes at pixels */
	int64_t index;
};

struct png_presenter {
	char dir[PATH_MAX];
	pthread_t workers[WORKERS];
	int worker_count;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct png_job *queue[MAX_JOBS];
	int head, queued, writing;
	int max_in_flight; /* jobs queued + being written, from the frame size */
	bool closing;
	int error; /* first failed write, 0 if none */
	/* Written jobs kept for the next frames: no 8K-sized allocation per frame. */
	struct png_job *spare[MAX_JOBS];
	int spare_count;
};

static void free_job(struct png_job *job)
{
	if (job) {
		free(job->pixels);
		free(job);
	}
}

static int write_job(const struct png_presenter *png, const struct png_job *job)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/frame-%06lld.png", png->dir, (long long)job->index);
	return uhd_png_write(path, &job->image);
}

/* Takes the oldest job; NULL when closing with nothing left. */
static struct png_job *take_job(struct png_presenter *png)
{
	pthread_mutex_lock(&png->lock);
	while (png->queued == 0 && !png->closing) {
		pthread_cond_wait(&png->changed, &png->lock);
	}
	struct png_job *job = NULL;
	if (png->queued > 0) {
		job = png->queue[png->head];
		png->head = (png->head + 1) % MAX_JOBS;
		png->queued--;
		png->writing++;
	}
	pthread_mutex_unlock(&png->lock);
	return job;
}

static void *worker(void *arg)
{
	struct png_presenter *png = arg;
	struct png_job *job;
	while ((job = take_job(png))) {
		pthread_mutex_lock(&png->lock);
		bool skip = png->error != 0; /* nothing is written after a failure */
		pthread_mutex_unlock(&png->lock);
		int ret = skip ? 0 : write_job(png, job);
		pthread_mutex_lock(&png->lock);
		if (png->spare_count < MAX_JOBS) {
			png->spare[png->spare_count++] = job;
		} else {
			free_job(job);
		}
		png->writing--;
		if (ret < 0 && png->error == 0) {
			png->error = ret;
		}
		pthread_cond_broadcast(&png->changed);
		pthread_mutex_unlock(&png->lock);
	}
	return NULL;
}

static int start_workers(struct png_presenter *png)
{
	pthread_mutex_init(&png->lock, NULL);
	pthread_cond_init(&png->changed, NULL);
	for (int i = 0; i < WORKERS; i++) {
		int err = pthread_create(&png->workers[i], NULL, worker, png);
		if (err != 0) {
			if (png->worker_count > 0) {
				break; /* fewer workers still write every frame */
			}
			uhd_error("cannot start a PNG writing thread: %s", strerror(err));
			return -err;
		}
		png->worker_count++;
	}
	return 0;
}

static int png_open(void *priv, const char *argument, const struct uhd_presenter_params *params)
{
	struct png_presenter *png = priv;
	if (!*argument) {
		uhd_error("-o png needs a folder: -o png:DIR");
		return -EINVAL;
	}
	snprintf(png->dir, sizeof(png->dir), "%s", argument);
	int ret = uhd_make_dirs(png->dir);
	struct stat st;
	if (ret == 0 && (stat(png->dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		ret = -ENOTDIR;
	}
	if (ret == 0 && access(png->dir, W_OK | X_OK) != 0) {
		ret = -errno;
	}
	if (ret < 0) {
		uhd_error("cannot write PNG frames into '%s': %s; choose a writable folder",
		          png->dir, strerror(-ret));
		return ret;
	}
	ret = uhd_claim_folder(png->dir, "frame-", "frame", params->overwrite);
	return ret < 0 ? ret : start_workers(png);
}

/* A spare job (or a new one) with room for bytes of pixels. */
static struct png_job *take_spare(struct png_presenter *png, size_t bytes)
{
	pthread_mutex_lock(&png->lock);
	struct png_job *job = png->spare_count > 0 ? png->spare[--png->spare_count] : NULL;
	pthread_mutex_unlock(&png->lock);
	if (job && job->capacity < bytes) {
		free_job(job);
		job = NULL;
	}
	if (!job) {
		job = calloc(1, sizeof(*job));
		job->pixels = job ? malloc(bytes) : NULL;
		if (job && !job->pixels) {
			free(job);
			job = NULL;
		}
		if (job) {
			job->capacity = bytes;
		}
	}
	return job;
}

/* A copy of the image's rows, without their padding. */
static struct png_job *copy_job(struct png_presenter *png, const struct uhd_image *image,
                                int64_t index)
{
	size_t row = (size_t)image->width * image->channels * (image->bits / 8);
	struct png_job *job = take_spare(png, row * image->height);
	if (!job) {
		uhd_error("out of memory copying frame %lld for the PNG writer", (long long)index);
		return NULL;
	}
	for (int y = 0; y < image->height; y++) {
		memcpy(job->pixels + row * y, image->data + image->stride * y, row);
	}
	job->image = *image;
	job->image.data = job->pixels;
	job->image.stride = row;
	job->index = index;
	return job;
}

static int png_present(void *priv, const struct uhd_image *image, int64_t index)
{
	struct png_presenter *png = priv;
	size_t bytes = image->stride * image->height;
	int budget = (int)(IN_FLIGHT_BUDGET / (bytes ? bytes : 1));
	png->max_in_flight = budget < 1 ? 1 : budget > MAX_JOBS ? MAX_JOBS : budget;
	pthread_mutex_lock(&png->lock);
	while (!png->error && png->queued + png->writing >= png->max_in_flight) {
		pthread_cond_wait(&png->changed, &png->lock);
	}
	int ret = png->error;
	pthread_mutex_unlock(&png->lock);
	if (ret < 0) {
		return ret;
	}
	struct png_job *job = copy_job(png, image, index);
	if (!job) {
		return -ENOMEM;
	}
	pthread_mutex_lock(&png->lock);
	png->queue[(png->head + png->queued) % MAX_JOBS] = job;
	png->queued++;
	pthread_cond_broadcast(&png->changed);
	pthread_mutex_unlock(&png->lock);
	return 0;
}

/* Every queued frame written (or the first failure). */
static int png_finish(void *priv)
{
	struct png_presenter *png = priv;
	if (png->worker_count == 0) {
		return 0;
	}
	pthread_mutex_lock(&png->lock);
	while (png->queued + png->writing > 0) {
		pthread_cond_wait(&png->changed, &png->lock);
	}
	int ret = png->error;
	pthread_mutex_unlock(&png->lock);
	return ret;
}

static void png_close(void *priv)
{
	struct png_presenter *png = priv;
	if (png->worker_count == 0) {
		return;
	}
	png_finish(png);
	pthread_mutex_lock(&png->lock);
	png->closing = true;
	pthread_cond_broadcast(&png->changed);
	pthread_mutex_unlock(&png->lock);
	for (int i = 0; i < png->worker_count; i++) {
		pthread_join(png->workers[i], NULL);
	}
	for (int i = 0; i < png->spare_count; i++) {
		free_job(png->spare[i]);
	}
	pthread_cond_destroy(&png->changed);
	pthread_mutex_destroy(&png->lock);
}

static const char *png_location(const void *priv)
{
	return ((const struct png_presenter *)priv)->dir;
}

const struct uhd_presenter_impl uhd_presenter_png = {
        .name = "png",
        .priv_size = sizeof(struct png_presenter),
        .open = png_open,
        .present = png_present,
        .close = png_close,
        .location = png_location,
        .finish = png_finish,
};
