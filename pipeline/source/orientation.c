/* SPDX-License-Identifier: MIT */
/* --rotate: the display matrix applied, or the coded orientation kept and said. */
#include "../common/log.h"
#include "orientation.h"

struct uhd_orientation uhd_source_turn(const struct uhd_stream_info *info, const char *path,
                                       bool rotate)
{
	const struct uhd_orientation none = {0, false};
	if (!info->has_display_matrix) {
		return none;
	}
	if (info->display_turn_note[0]) {
		uhd_warn("'%s': %s; frames keep the coded orientation", path,
		         info->display_turn_note);
		return none;
	}
	bool turned = info->display.rotation != 0 || info->display.hflip;
	if (turned && !rotate) {
		uhd_warn("'%s' is meant to be shown turned %d degrees clockwise%s (display "
		         "matrix); frames keep the coded orientation (--rotate auto turns them)",
		         path, info->display.rotation,
		         info->display.hflip ? " after a left-right mirror" : "");
	}
	return rotate ? info->display : none;
}
