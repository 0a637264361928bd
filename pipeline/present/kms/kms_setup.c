/* SPDX-License-Identifier: MIT */
/* Choosing the connector, CRTC, plane, mode and format, and the modeset. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../common/log.h"
#include "cvt.h"
#include "kms.h"

uint32_t kms_prop(struct kms_presenter *kms, uint32_t object, uint32_t type, const char *name)
{
	return uhd_drm_property(kms->dev.fd, object, type, name, NULL);
}

static void list_connectors(struct kms_presenter *kms, char *out, size_t size, bool connected)
{
	out[0] = '\0';
	for (int i = 0; i < kms->dev.resources->count_connectors; i++) {
		drmModeConnector *c =
		        drmModeGetConnector(kms->dev.fd, kms->dev.resources->connectors[i]);
		if (c && c->connector_type != DRM_MODE_CONNECTOR_WRITEBACK &&
		    (!connected || c->connection == DRM_MODE_CONNECTED)) {
			char name[32];
			uhd_drm_connector_name(c, name, sizeof(name));
			size_t len = strlen(out);
			snprintf(out + len, size - len, "%s%s (%s)", len ? ", " : "", name,
			         uhd_drm_connection_name(c->connection));
		}
		drmModeFreeConnector(c);
	}
	if (!out[0]) {
		snprintf(out, size, "none");
	}
}

/* The CRTC the connector can use: the one driving it now, else the first its
 * encoders allow. */
static int choose_crtc(struct kms_presenter *kms, const drmModeConnector *c)
{
	uint32_t possible = 0;
	for (int i = 0; i < c->count_encoders; i++) {
		drmModeEncoder *e = drmModeGetEncoder(kms->dev.fd, c->encoders[i]);
		if (e) {
			possible |= e->possible_crtcs;
			if (e->encoder_id == c->encoder_id && e->crtc_id) {
				kms->crtc_id = e->crtc_id;
			}
		}
		drmModeFreeEncoder(e);
	}
	if (kms->crtc_id) {
		kms->crtc_index = uhd_drm_crtc_index(&kms->dev, kms->crtc_id);
		return 0;
	}
	for (int i = 0; i < kms->dev.resources->count_crtcs; i++) {
		if (possible & (1u << i)) {
			kms->crtc_id = kms->dev.resources->crtcs[i];
			kms->crtc_index = i;
			return 0;
		}
	}
	uhd_error("connector %s has no CRTC it can use", kms->connector_name);
	return -ENODEV;
}

static int choose_plane(struct kms_presenter *kms)
{
	for (uint32_t i = 0; i < kms->dev.planes->count_planes; i++) {
		uint32_t id = kms->dev.planes->planes[i];
		drmModePlane *plane = drmModeGetPlane(kms->dev.fd, id);
		uint64_t type = 0;
		uhd_drm_property(kms->dev.fd, id, DRM_MODE_OBJECT_PLANE, "type", &type);
		bool fits = plane && (plane->possible_crtcs & (1u << kms->crtc_index)) &&
		            type == DRM_PLANE_TYPE_PRIMARY;
		drmModeFreePlane(plane);
		if (fits) {
			kms->plane_id = id;
			return 0;
		}
	}
	uhd_error("no primary plane can feed the CRTC of %s", kms->connector_name);
	return -ENODEV;
}

int kms_choose_connector(struct kms_presenter *kms)
{
	const char *want = kms->connector_arg;
	drmModeConnector *chosen = NULL;
	for (int i = 0; i < kms->dev.resources->count_connectors && !chosen; i++) {
		drmModeConnector *c =
		        drmModeGetConnector(kms->dev.fd, kms->dev.resources->connectors[i]);
		char name[32] = "";
		if (c) {
			uhd_drm_connector_name(c, name, sizeof(name));
		}
		bool display = c && c->connector_type != DRM_MODE_CONNECTOR_WRITEBACK;
		if (display &&
		    (*want ? strcmp(name, want) == 0 : c->connection == DRM_MODE_CONNECTED)) {
			chosen = c;
			snprintf(kms->connector_name, sizeof(kms->connector_name), "%s", name);
		} else {
			drmModeFreeConnector(c);
		}
	}
	char names[512];
	if (!chosen) {
		list_connectors(kms, names, sizeof(names), false);
		if (*want) {
			uhd_error("%s has no connector '%s'; its connectors: %s", kms->dev.path,
			          want, names);
		} else {
			uhd_error("no display is connected to %s (connectors: %s); connect one or "
			          "name "
			          "it with -o kms:CONNECTOR",
			          kms->dev.path, names);
		}
		return -ENODEV;
	}
	int ret = 0;
	if (chosen->connection != DRM_MODE_CONNECTED) {
		list_connectors(kms, names, sizeof(names), true);
		uhd_error("connector %s is %s: connect a display, or use a connected one (%s)",
		          kms->connector_name, uhd_drm_connection_name(chosen->connection), names);
		ret = -ENODEV;
	}
	kms->connector_id = chosen->connector_id;
	ret = ret ? ret : choose_crtc(kms, chosen);
	drmModeFreeConnector(chosen);
	return ret ? ret : choose_plane(kms);
}

static double mode_hz(const drmModeModeInfo *m)
{
	return m->htotal && m->vtotal ? m->clock * 1000.0 / ((double)m->htotal * m->vtotal) : 0;
}

/* A listed mode of this size (and rate, when given): the preferred one, else
 * the fastest. */
static bool find_listed_mode(const drmModeConnector *c, int w, int h, double hz,
                             drmModeModeInfo *out)
{
	const drmModeModeInfo *best = NULL;
	for (int i = 0; i < c->count_modes; i++) {
		const drmModeModeInfo *m = &c->modes[i];
		if (m->hdisplay != w || m->vdisplay != h || (m->flags & DRM_MODE_FLAG_INTERLACE) ||
		    (hz > 0 && (mode_hz(m) < hz - 0.5 || mode_hz(m) > hz + 0.5))) {
			continue;
		}
		bool preferred = m->type & DRM_MODE_TYPE_PREFERRED;
		if (!best || (preferred && !(best->type & DRM_MODE_TYPE_PREFERRED)) ||
		    (!(best->type & DRM_MODE_TYPE_PREFERRED) && mode_hz(m) > mode_hz(best))) {
			best = m;
		}
	}
	if (best) {
		*out = *best;
	}
	return best != NULL;
}

static void list_modes(const drmModeConnector *c, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < c->count_modes && strlen(out) + 32 < size; i++) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%ux%u@%.2f", i ? ", " : "", c->modes[i].hdisplay,
		         c->modes[i].vdisplay, mode_hz(&c->modes[i]));
	}
}

static int choose_mode(struct kms_presenter *kms, int width, int height)
{
	drmModeConnector *c = drmModeGetConnector(kms->dev.fd, kms->connector_id);
	if (!c) {
		uhd_error("cannot read connector %s: %s", kms->connector_name, strerror(errno));
		return -EIO;
	}
	double hz = kms->want_hz;
	int ret = 0;
	const drmModeRes *res = kms->dev.resources;
	if ((uint32_t)width > res->max_width || (uint32_t)height > res->max_height) {
		char modes[1024];
		list_modes(c, modes, sizeof(modes));
		uhd_error("%dx%d is over what %s scans out (%ux%u at most); its modes: %s", width,
		          height, kms->dev.driver, res->max_width, res->max_height, modes);
		drmModeFreeConnector(c);
		return -ERANGE;
	}
	if (!find_listed_mode(c, width, height, hz, &kms->mode)) {
		/* Panels driven over links without a full EDID list fewer modes than
		 * they take; CVT reduced blanking is what such panels expect. */
		ret = uhd_cvt_rb_mode(width, height, hz > 0 ? hz : 60.0, &kms->mode);
		kms->mode_generated = ret == 0;
		if (ret < 0) {
			char modes[1024];
			list_modes(c, modes, sizeof(modes));
			uhd_error("no %dx%d mode for %s and none can be generated; its modes: %s",
			          width, height, kms->connector_name, modes);
		}
	}
	drmModeFreeConnector(c);
	return ret;
}

static bool plane_has_format(struct kms_presenter *kms, uint32_t fourcc, char *list, size_t size)
{
	drmModePlane *plane = drmModeGetPlane(kms->dev.fd, kms->plane_id);
	bool found = false;
	if (list) {
		list[0] = '\0';
	}
	for (uint32_t i = 0; plane && i < plane->count_formats; i++) {
		found |= plane->formats[i] == fourcc;
		const struct uhd_scanout_format *f =
		        uhd_scanout_format_by_fourcc(plane->formats[i]);
		if (list && f) {
			size_t len = strlen(list);
			snprintf(list + len, size - len, "%s%s", len ? ", " : "", f->name);
		}
	}
	drmModeFreePlane(plane);
	return found;
}

/* --format auto's preference, lowest first. Deep pictures: integer formats
 * deeper than 8 bits (deepest first), then float, then 8 bits (dithered);
 * 8-bit pictures: 8 bits, which is exact already, then deeper. */
static int auto_rank(const struct uhd_scanout_format *f, bool deep)
{
	if (!deep) {
		return f->bits == 8 ? 0 : f->is_float ? 2 : 1;
	}
	return f->is_float ? 10 : f->bits == 8 ? 11 : 16 - f->bits;
}

static int choose_format(struct kms_presenter *kms, const struct uhd_image *image)
{
	const char *want = kms->params.display.format;
	char offered[256];
	plane_has_format(kms, 0, offered, sizeof(offered));
	if (want && strcmp(want, "auto") != 0) {
		kms->format = uhd_scanout_format_by_name(want);
		if (!plane_has_format(kms, kms->format->fourcc, NULL, 0)) {
			uhd_error("the primary plane of %s does not take %s; it offers: %s",
			          kms->connector_name, want,
			          offered[0] ? offered : "none uhdpipe writes");
			return -ENOTSUP;
		}
	} else {
		size_t n;
		const struct uhd_scanout_format *all = uhd_scanout_formats(&n);
		int best = 99;
		for (size_t i = 0; i < n; i++) {
			int rank = auto_rank(&all[i], uhd_image_depth(image) > 8);
			if (rank < best && plane_has_format(kms, all[i].fourcc, NULL, 0)) {
				best = rank;
				kms->format = &all[i];
			}
		}
		if (!kms->format) {
			uhd_error("the primary plane of %s offers no format uhdpipe writes (%s)",
			          kms->connector_name, "xrgb8888, xrgb2101010, xrgb16161616, ...");
			return -ENOTSUP;
		}
	}
	kms->dithered = uhd_pack_dithers(image, kms->format);
	int source_bits =
	        kms->params.source_bits ? kms->params.source_bits : uhd_image_depth(image);
	if (kms->dithered && kms->format->bits < source_bits) {
		uhd_warn("the %d-bit source goes out through %s (%d bits per channel), dithered; "
		         "the plane offers: %s",
		         source_bits, kms->format->name, kms->format->bits, offered);
	}
	return 0;
}

int kms_buffer_create(struct kms_presenter *kms, int width, int height,
                      const struct uhd_scanout_format *format, struct kms_buffer *b)
{
	memset(b, 0, sizeof(*b));
	b->frame = -1;
	b->prime_fd = -1;
	b->target = -1;
	uint64_t size = 0;
	int ret = drmModeCreateDumbBuffer(kms->dev.fd, (uint32_t)width, (uint32_t)height,
	                                  (uint32_t)format->bytes_per_pixel * 8, 0, &b->handle,
	                                  &b->pitch, &size);
	uint64_t offset = 0;
	if (ret == 0) {
		b->size = size;
		uint32_t handles[4] = {b->handle}, pitches[4] = {b->pitch}, offsets[4] = {0};
		ret = drmModeAddFB2(kms->dev.fd, (uint32_t)width, (uint32_t)height, format->fourcc,
		                    handles, pitches, offsets, &b->fb_id, 0);
	}
	ret = ret ? ret : drmModeMapDumbBuffer(kms->dev.fd, b->handle, &offset);
	if (ret == 0) {
		b->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, kms->dev.fd,
		              (off_t)offset);
		ret = b->map == MAP_FAILED ? -errno : 0;
		b->map = ret ? NULL : b->map;
	}
	if (ret < 0) {
		int err = errno ? errno : EIO;
		uhd_error("cannot make a %dx%d %s framebuffer on %s: %s", width, height,
		          format->name, kms->dev.path, strerror(err));
		kms_buffer_destroy(kms, b);
		return -err;
	}
	return 0;
}

void kms_buffer_destroy(struct kms_presenter *kms, struct kms_buffer *b)
{
	if (b->map) {
		munmap(b->map, b->size);
	}
	if (b->fb_id) {
		drmModeRmFB(kms->dev.fd, b->fb_id);
	}
	if (b->handle) {
		drmModeDestroyDumbBuffer(kms->dev.fd, b->handle);
	}
	memset(b, 0, sizeof(*b));
	b->prime_fd = -1;
	b->target = -1;
}

void kms_release_buffers(struct kms_presenter *kms)
{
	for (int i = 0; i < KMS_BUFFERS; i++) {
		kms_buffer_destroy(kms, &kms->buffers[i]);
	}
	if (kms->mode_blob) {
		drmModeDestroyPropertyBlob(kms->dev.fd, kms->mode_blob);
	}
	if (kms->hdr_blob) {
		drmModeDestroyPropertyBlob(kms->dev.fd, kms->hdr_blob);
	}
	kms->mode_blob = kms->hdr_blob = 0;
	kms->on_screen = kms->pending = NULL;
}

static uint64_t enum_value(struct kms_presenter *kms, uint32_t prop_id, const char *name,
                           bool *found)
{
	drmModePropertyRes *prop = drmModeGetProperty(kms->dev.fd, prop_id);
	uint64_t value = 0;
	*found = false;
	for (int i = 0; prop && i < prop->count_enums; i++) {
		if (strcmp(prop->enums[i].name, name) == 0) {
			value = prop->enums[i].value;
			*found = true;
		}
	}
	drmModeFreeProperty(prop);
	return value;
}

/* Planes a previous client left on our CRTC besides the primary. */
static void find_other_planes(struct kms_presenter *kms)
{
	kms->other_plane_count = 0;
	for (uint32_t i = 0; i < kms->dev.planes->count_planes && kms->other_plane_count < 8; i++) {
		uint32_t id = kms->dev.planes->planes[i];
		uint64_t crtc = 0;
		uhd_drm_property(kms->dev.fd, id, DRM_MODE_OBJECT_PLANE, "CRTC_ID", &crtc);
		if (id != kms->plane_id && crtc == kms->crtc_id) {
			kms->other_planes[kms->other_plane_count++] = id;
		}
	}
}

static void look_up_props(struct kms_presenter *kms)
{
	struct kms_props *p = &kms->props;
	const uint32_t crtc = DRM_MODE_OBJECT_CRTC, plane = DRM_MODE_OBJECT_PLANE,
	               conn = DRM_MODE_OBJECT_CONNECTOR;
	static const char *const src[4] = {"SRC_X", "SRC_Y", "SRC_W", "SRC_H"};
	static const char *const dst[4] = {"CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H"};
	p->crtc_active = kms_prop(kms, kms->crtc_id, crtc, "ACTIVE");
	p->crtc_mode_id = kms_prop(kms, kms->crtc_id, crtc, "MODE_ID");
	p->plane_fb_id = kms_prop(kms, kms->plane_id, plane, "FB_ID");
	p->plane_crtc_id = kms_prop(kms, kms->plane_id, plane, "CRTC_ID");
	for (int i = 0; i < 4; i++) {
		p->plane_src[i] = kms_prop(kms, kms->plane_id, plane, src[i]);
		p->plane_crtc[i] = kms_prop(kms, kms->plane_id, plane, dst[i]);
	}
	p->conn_crtc_id = kms_prop(kms, kms->connector_id, conn, "CRTC_ID");
	p->conn_hdr = kms_prop(kms, kms->connector_id, conn, "HDR_OUTPUT_METADATA");
	p->conn_colorspace = kms_prop(kms, kms->connector_id, conn, "Colorspace");
	p->conn_max_bpc = kms_prop(kms, kms->connector_id, conn, "max bpc");
	p->crtc_gamma = kms_prop(kms, kms->crtc_id, crtc, "GAMMA_LUT");
	p->crtc_degamma = kms_prop(kms, kms->crtc_id, crtc, "DEGAMMA_LUT");
	p->crtc_ctm = kms_prop(kms, kms->crtc_id, crtc, "CTM");
	p->plane_rotation = kms_prop(kms, kms->plane_id, plane, "rotation");
	p->plane_alpha = kms_prop(kms, kms->plane_id, plane, "alpha");
	p->conn_broadcast_rgb = kms_prop(kms, kms->connector_id, conn, "Broadcast RGB");
	bool full = false;
	p->broadcast_full =
	        p->conn_broadcast_rgb ? enum_value(kms, p->conn_broadcast_rgb, "Full", &full) : 0;
	p->conn_broadcast_rgb = full ? p->conn_broadcast_rgb : 0;
	find_other_planes(kms);
	kms->has_hdr_prop = p->conn_hdr != 0;
	kms->has_colorspace_prop = p->conn_colorspace != 0;
	kms->has_max_bpc_prop = p->conn_max_bpc != 0;
}

/* max bpc: at least the format's depth, within what the connector allows. */
static void choose_max_bpc(struct kms_presenter *kms)
{
	drmModePropertyRes *prop = drmModeGetProperty(kms->dev.fd, kms->props.conn_max_bpc);
	uint64_t want = (uint64_t)kms->format->bits;
	if (prop && (prop->flags & DRM_MODE_PROP_RANGE) && prop->count_values == 2) {
		want = want < prop->values[0] ? prop->values[0] : want;
		want = want > prop->values[1] ? prop->values[1] : want;
	}
	drmModeFreeProperty(prop);
	kms->max_bpc = want;
}

static int prepare_hdr(struct kms_presenter *kms, const struct uhd_image *image)
{
	int ret = uhd_hdr_signal_for(&image->colour, kms->hdr_mode,
	                             kms->params.display.hdr_metadata, &kms->hdr);
	if (ret < 0) {
		return ret;
	}
	if (kms->hdr.defaults_used) {
		uhd_warn("HDR metadata: %s", kms->hdr.note);
	}
	if (kms->hdr.send && !kms->has_hdr_prop) {
		uhd_warn(
		        "connector %s has no HDR_OUTPUT_METADATA property: the display is not told "
		        "that the picture is %s",
		        kms->connector_name,
		        kms->hdr.metadata.hdmi_metadata_type1.eotf == 3 ? "HLG" : "PQ");
	}
	if (kms->hdr.send && kms->has_hdr_prop &&
	    drmModeCreatePropertyBlob(kms->dev.fd, &kms->hdr.metadata, sizeof(kms->hdr.metadata),
	                              &kms->hdr_blob) != 0) {
		uhd_error("cannot hand the HDR metadata to the kernel: %s", strerror(errno));
		return -EIO;
	}
	bool bt2020 = image->colour.primaries == UHD_PRIMARIES_BT2020;
	if (kms->has_colorspace_prop) {
		bool found;
		kms->colorspace_name = bt2020 ? "BT2020_RGB" : "Default";
		kms->colorspace_value =
		        enum_value(kms, kms->props.conn_colorspace, kms->colorspace_name, &found);
		kms->colorspace_name = found ? kms->colorspace_name : NULL;
	}
	if (kms->has_max_bpc_prop) {
		choose_max_bpc(kms);
	}
	return 0;
}

/* The modeset the first frame will commit, tried first with TEST_ONLY so that a
 * mode or format the hardware refuses is reported before anything changes. */
static int test_modeset(struct kms_presenter *kms, const struct uhd_image *image)
{
	int ret = kms_test_modeset(kms, &kms->buffers[0]);
	if (ret == 0 || ret == -ENOMEM) {
		return ret;
	}
	int err = -ret;
	char offered[256], modes[1024] = "";
	plane_has_format(kms, 0, offered, sizeof(offered));
	drmModeConnector *c = drmModeGetConnector(kms->dev.fd, kms->connector_id);
	if (c) {
		list_modes(c, modes, sizeof(modes));
	}
	drmModeFreeConnector(c);
	uhd_error("%s refused %ux%u@%.2f%s in %s for the %dx%d picture (%s); its modes: %s; the "
	          "plane offers: %s",
	          kms->connector_name, kms->mode.hdisplay, kms->mode.vdisplay, mode_hz(&kms->mode),
	          kms->mode_generated ? " (CVT reduced blanking)" : "", kms->format->name,
	          image->width, image->height, strerror(err), modes, offered);
	return -ENOTSUP;
}

static int make_buffers(struct kms_presenter *kms)
{
	if (drmModeCreatePropertyBlob(kms->dev.fd, &kms->mode, sizeof(kms->mode),
	                              &kms->mode_blob)) {
		uhd_error("cannot hand the mode to the kernel: %s", strerror(errno));
		return -EIO;
	}
	for (int i = 0; i < KMS_BUFFERS; i++) {
		int ret = kms_buffer_create(kms, kms->mode.hdisplay, kms->mode.vdisplay,
		                            kms->format, &kms->buffers[i]);
		if (ret < 0) {
			return ret;
		}
	}
	return 0;
}

int kms_setup(struct kms_presenter *kms, const struct uhd_image *image)
{
	int width = kms->want_width ? kms->want_width : image->width;
	int height = kms->want_height ? kms->want_height : image->height;
	int ret = choose_mode(kms, width, height);
	ret = ret ? ret : choose_format(kms, image);
	if (ret < 0) {
		return ret;
	}
	look_up_props(kms);
	ret = prepare_hdr(kms, image);
	ret = ret ? ret : make_buffers(kms);
	/* The display alone first: a refusal is then about the mode or format. */
	ret = ret ? ret : test_modeset(kms, image);
	ret = ret ? ret : kms_capture_setup(kms, image);
	if (ret < 0) {
		return ret;
	}
	kms_gpu_setup(kms, image);
	uint32_t saved[2] = {kms->connector_id, kms->capture.connector_id};
	ret = kms_state_save(kms, saved, kms->capture.connector_id ? 2 : 1);
	if (ret < 0) {
		return ret;
	}
	int fps_num = kms->params.fps_num > 0 ? kms->params.fps_num : 60;
	int fps_den = kms->params.fps_num > 0 && kms->params.fps_den > 0 ? kms->params.fps_den : 1;
	ret = uhd_cadence_init(&kms->cadence, fps_num, fps_den, kms->mode.clock, kms->mode.htotal,
	                       kms->mode.vtotal);
	if (ret < 0) {
		uhd_error("cannot pace %d/%d fps on a %ux%u mode with clock %u kHz", fps_num,
		          fps_den, kms->mode.hdisplay, kms->mode.vdisplay, kms->mode.clock);
		return ret;
	}
	kms->set_up = true;
	uhd_info("%s: %ux%u@%.3f%s, %s%s, HDR %s, %s", kms->connector_name, kms->mode.hdisplay,
	         kms->mode.vdisplay, mode_hz(&kms->mode), kms->mode_generated ? " (CVT-RB)" : "",
	         kms->format->name, kms->dithered ? " dithered" : "",
	         !kms->hdr.send                                    ? "off"
	         : kms->hdr.metadata.hdmi_metadata_type1.eotf == 3 ? "HLG"
	                                                           : "PQ",
	         kms->path_kind);
	return 0;
}

void kms_read_back_hdr(struct kms_presenter *kms)
{
	uint64_t blob_id = 0;
	if (!kms->has_hdr_prop || !kms->modeset_done ||
	    !uhd_drm_property(kms->dev.fd, kms->connector_id, DRM_MODE_OBJECT_CONNECTOR,
	                      "HDR_OUTPUT_METADATA", &blob_id)) {
		return;
	}
	kms->hdr_read_back = true;
	kms->hdr_readback_size = 0;
	drmModePropertyBlobRes *blob =
	        blob_id ? drmModeGetPropertyBlob(kms->dev.fd, (uint32_t)blob_id) : NULL;
	if (blob && blob->length <= sizeof(kms->hdr_readback)) {
		memcpy(kms->hdr_readback, blob->data, blob->length);
		kms->hdr_readback_size = blob->length;
	}
	drmModeFreePropertyBlob(blob);
}
