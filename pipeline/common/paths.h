/* SPDX-License-Identifier: MIT */
/* File-system helpers shared by the output stages. */
#ifndef UHD_INTERNAL_PATHS_H
#define UHD_INTERNAL_PATHS_H

/* mkdir -p: 0 or -errno. */
int uhd_make_dirs(const char *dir);

#endif
