/* SPDX-License-Identifier: MIT */
/* Output folders that uhdpipe fills with numbered PNGs (frames, captures). */
#ifndef UHD_INTERNAL_PRESENT_FOLDER_H
#define UHD_INTERNAL_PRESENT_FOLDER_H

#include <stdbool.h>

/*
 * Like ffmpeg, no silent overwrite: an existing folder that holds anything is
 * refused (-EEXIST, logged with the name of a file in it and what to do),
 * unless overwrite, which first removes uhdpipe's own files there, PREFIX*.png
 * and what an interrupted write left (PREFIX*.png.tmp-*); other files stay, so
 * that no picture of an earlier, longer run is left among the new ones. The
 * folder must exist; what it means in messages is `what` ("frame", "capture").
 */
int uhd_claim_folder(const char *dir, const char *prefix, const char *what, bool overwrite);

#endif
