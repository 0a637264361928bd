/* SPDX-License-Identifier: MIT */
/*
 * How pixels reach the framebuffers (--scanout): packed on the CPU into the
 * mapped dumb buffers (cpu-pack-to-dumb), packed by the GPU and copied into
 * them (gpu-pack-to-dumb), or packed by the GPU straight into the dumb
 * buffers, exported as DMA-BUFs (PRIME) and imported into Vulkan
 * (zero-copy-dumb-to-vulkan). Dumb buffers are linear, so no format modifier
 * is involved and a device without VK_EXT_image_drm_format_modifier can do
 * it. The commit follows only after the pass's fence signalled; a pass that
 * does not finish in time is waited for and the run goes on with the CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../common/clock.h"
#include "../../common/log.h"
#include "../../vk/vk.h"
#include "kms.h"

#define FENCE_TIMEOUT_NS (30ull * 1000 * 1000 * 1000) /* an 8K pack under emulation: seconds */

static const char *const path_names[] = {
        [KMS_PATH_CPU] = "cpu-pack-to-dumb",
        [KMS_PATH_GPU] = "gpu-pack-to-dumb",
        [KMS_PATH_ZERO_COPY] = "zero-copy-dumb-to-vulkan",
};

int kms_scanout_parse(const char *text, enum kms_scanout *out)
{
	static const char *const names[] = {"auto", "zero-copy", "gpu", "cpu"};
	for (int i = 0; i < 4; i++) {
		if (strcmp(text ? text : "auto", names[i]) == 0) {
			*out = (enum kms_scanout)i;
			return 0;
		}
	}
	uhd_error("unknown --scanout '%s' (auto, zero-copy, gpu, cpu)", text);
	return -EINVAL;
}

static void set_path(struct kms_presenter *kms, enum kms_path path, const char *why)
{
	kms->path = path;
	snprintf(kms->path_kind, sizeof(kms->path_kind), "%s", path_names[path]);
	/* Long reasons are cut, never the run. */
	snprintf(kms->path_reason, sizeof(kms->path_reason), "%.*s",
	         (int)sizeof(kms->path_reason) - 1, why ? why : "");
}

/* The run's context, or one of the presenter's own (PNG inputs have none). */
static int get_context(struct kms_presenter *kms)
{
	if (kms->context) {
		return 0;
	}
	if (kms->params.context) {
		kms->context = kms->params.context;
		return 0;
	}
	int ret = uhd_context_create(NULL, &kms->own_context);
	kms->context = kms->own_context;
	return ret;
}

/* Exports each dumb buffer and imports it as a packer target. */
static int share_buffers(struct kms_presenter *kms, char *why, size_t why_size)
{
	if (!kms->context->dmabuf_import) {
		snprintf(why, why_size, "%s", kms->context->dmabuf_missing);
		return -ENOTSUP;
	}
	for (int i = 0; i < KMS_BUFFERS; i++) {
		struct kms_buffer *b = &kms->buffers[i];
		if (drmPrimeHandleToFD(kms->dev.fd, b->handle, DRM_CLOEXEC | DRM_RDWR,
		                       &b->prime_fd)) {
			b->prime_fd = -1;
			snprintf(why, why_size, "%s cannot export its dumb buffers as DMA-BUFs: %s",
			         kms->dev.driver, strerror(errno));
			return -ENOTSUP;
		}
		int ret = uhd_gpu_packer_add_dmabuf(kms->packer, b->prime_fd, b->size, &b->target);
		if (ret < 0) {
			snprintf(why, why_size,
			         "the Vulkan driver refused to import %s's dumb buffer (DMA-BUF): "
			         "%s",
			         kms->dev.driver, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* After a refused share, the buffers go back to CPU packing or the packer's copy. */
static void close_prime_fds(struct kms_presenter *kms)
{
	for (int i = 0; i < KMS_BUFFERS; i++) {
		if (kms->buffers[i].prime_fd >= 0) {
			close(kms->buffers[i].prime_fd);
		}
		kms->buffers[i].prime_fd = -1;
		kms->buffers[i].target = -1;
	}
}

static int make_packer(struct kms_presenter *kms, const struct uhd_image *image, char *why,
                       size_t why_size)
{
	int ret = get_context(kms);
	if (ret < 0) {
		snprintf(why, why_size, "no Vulkan device to pack on: %s", strerror(-ret));
		return ret;
	}
	ret = uhd_gpu_packer_create(kms->context, image->width, image->height, image->bits,
	                            image->significant_bits, kms->format, kms->buffers[0].pitch,
	                            &kms->packer);
	if (ret < 0) {
		snprintf(why, why_size, "the GPU packer could not be made for %dx%d %s: %s",
		         image->width, image->height, kms->format->name, strerror(-ret));
	}
	return ret;
}

/* A GPU packer without zero-copy is the choice only where asked, or where the
 * device is a real GPU: on a CPU device the copy back costs more than packing. */
static void settle_without_sharing(struct kms_presenter *kms, const char *why)
{
	bool gpu = kms->scanout == KMS_SCANOUT_GPU ||
	           (kms->scanout != KMS_SCANOUT_CPU && !kms->context->limits.cpu);
	if (gpu) {
		set_path(kms, KMS_PATH_GPU, why);
		return;
	}
	char reason[sizeof(kms->path_reason) + 256];
	snprintf(reason, sizeof(reason),
	         "%s; GPU packing is not used without it since the Vulkan device is the CPU (%s), "
	         "where packing and copying back costs more than packing directly",
	         why, kms->context->limits.name);
	uhd_gpu_packer_destroy(&kms->packer);
	set_path(kms, KMS_PATH_CPU, reason);
}

void kms_gpu_setup(struct kms_presenter *kms, const struct uhd_image *image)
{
	char why[256] = "";
	for (int i = 0; i < KMS_BUFFERS; i++) {
		kms->buffers[i].prime_fd = -1;
		kms->buffers[i].target = -1;
	}
	if (kms->scanout == KMS_SCANOUT_CPU) {
		set_path(kms, KMS_PATH_CPU, "--scanout cpu");
		return;
	}
	if (make_packer(kms, image, why, sizeof(why)) < 0) {
		uhd_warn("%s: packing frames on the CPU", why);
		set_path(kms, KMS_PATH_CPU, why);
		return;
	}
	if (kms->scanout == KMS_SCANOUT_GPU) {
		settle_without_sharing(kms, "--scanout gpu");
		return;
	}
	if (share_buffers(kms, why, sizeof(why)) == 0) {
		set_path(kms, KMS_PATH_ZERO_COPY, NULL);
		return;
	}
	close_prime_fds(kms);
	/* The imported targets are dropped with the packer; a fresh one has none. */
	uhd_gpu_packer_destroy(&kms->packer);
	if (make_packer(kms, image, why, sizeof(why)) < 0) {
		set_path(kms, KMS_PATH_CPU, why);
		return;
	}
	if (kms->scanout == KMS_SCANOUT_ZERO_COPY) {
		uhd_warn("no zero-copy scanout: %s; going on without it", why);
	}
	settle_without_sharing(kms, why);
}

/* After a pass that did not finish in time: the CPU from now on. */
static int fall_back(struct kms_presenter *kms, const struct uhd_image *image,
                     struct kms_buffer *buffer, int64_t frame)
{
	uhd_warn("the GPU did not finish packing frame %lld into its framebuffer within %llu s: "
	         "waiting for it, then packing on the CPU for the rest of the run",
	         (long long)frame, FENCE_TIMEOUT_NS / 1000000000ull);
	int ret = uhd_gpu_packer_wait_all(kms->packer, 4 * FENCE_TIMEOUT_NS);
	if (ret < 0) {
		return ret;
	}
	char why[sizeof(kms->path_reason) + 64];
	snprintf(why, sizeof(why), "the GPU pass for frame %lld did not finish in time (%s before)",
	         (long long)frame, kms->path_kind);
	set_path(kms, KMS_PATH_CPU, why);
	kms->fallback_frame = frame;
	uhd_pack_image(image, kms->format, buffer->map, buffer->pitch);
	return 0;
}

static int fill(struct kms_presenter *kms, const struct uhd_image *image, struct kms_buffer *buffer,
                int64_t frame)
{
	int ret = 0;
	/* A picture of another depth than the first (a folder of 8- and 16-bit
	 * PNGs) goes through the CPU packer, which takes any. */
	if (kms->path != KMS_PATH_CPU && !uhd_gpu_packer_fits(kms->packer, image)) {
		kms->cpu_packed_frames++;
		uhd_pack_image(image, kms->format, buffer->map, buffer->pitch);
		return 0;
	}
	switch (kms->path) {
	case KMS_PATH_ZERO_COPY:
		ret = uhd_gpu_pack_to(kms->packer, image, buffer->target, FENCE_TIMEOUT_NS);
		return ret == -ETIMEDOUT ? fall_back(kms, image, buffer, frame) : ret;
	case KMS_PATH_GPU: return uhd_gpu_pack(kms->packer, image, buffer->map);
	case KMS_PATH_CPU: break;
	}
	uhd_pack_image(image, kms->format, buffer->map, buffer->pitch);
	return 0;
}

int kms_pack(struct kms_presenter *kms, const struct uhd_image *image, struct kms_buffer *buffer,
             int64_t frame)
{
	double start = uhd_now_ms(), start_cpu = uhd_thread_cpu_ms();
	int ret = fill(kms, image, buffer, frame);
	double ms = uhd_now_ms() - start;
	kms->fills++;
	kms->fill_ms_total += ms;
	kms->fill_ms_max = ms > kms->fill_ms_max ? ms : kms->fill_ms_max;
	kms->fill_cpu_ms_total += uhd_thread_cpu_ms() - start_cpu;
	return ret;
}

void kms_gpu_release(struct kms_presenter *kms)
{
	uhd_gpu_packer_destroy(&kms->packer);
	close_prime_fds(kms);
	uhd_context_destroy(&kms->own_context);
	kms->context = NULL;
}
