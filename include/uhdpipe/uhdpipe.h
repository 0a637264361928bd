/* SPDX-License-Identifier: MIT */
/*
 * uhdpipe: umbrella header of the public API.
 */
#ifndef UHDPIPE_UHDPIPE_H
#define UHDPIPE_UHDPIPE_H

#include "check.h"
#include "colour.h"
#include "common.h"
#include "context.h"
#include "convert.h"
#include "pattern.h"
#include "play.h"
#include "present.h"
#include "quality.h"
#include "source.h"

#endif
