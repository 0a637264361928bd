/* SPDX-License-Identifier: MIT */
/*
 * The control socket of `uhdpipe pattern --control unix:PATH`: test-station software drives
 * the pattern shown with line commands and reads one JSON line back for each.
 *
 * Protocol: one command per line, ended by "\n" (a "\r" before it is ignored), at most 4096
 * bytes before the newline, UTF-8 text; words are separated by blanks (spaces, tabs). Verbs
 * are lower-case:
 *     show NAME [KEY=VALUE ...]   show this pattern (a spec as `uhdpipe pattern --list` shows)
 *     next, previous (prev)       move through the sequence
 *     hold, resume                stop / restart the sequence's clock
 *     status                      report what is shown
 *     quit                        end the run
 * Every line gets exactly one reply line, a JSON object with "ok": true or false, so a client
 * can pair replies with its commands. Errors of the protocol itself (an unknown verb, missing
 * or extra arguments, an empty line, a line over 4096 bytes, NUL bytes, control characters or
 * text that is not UTF-8) are answered here with {"ok":false,"error":"..."}; an over-long
 * line gets its one error reply and the rest of it, up to its newline, is discarded. Valid
 * commands go to the run loop, which answers each with uhd_control_reply(). A client may shut
 * down its sending side after its commands (`socat`, `nc -N`): it still gets its replies, and
 * is closed after the last.
 *
 * The socket is created owner-only (0600). At most 8 clients at once; more are told why and
 * closed. A client that vanishes, or stops reading its replies until the socket buffer fills,
 * is dropped without disturbing the run. Nothing read from the socket is ever executed.
 *
 * Thread-safety: one thread uses a struct uhd_control at a time. uhd_control_open() sets the
 * process umask for the instant of bind() (see there).
 */
#ifndef UHD_INTERNAL_CONTROL_H
#define UHD_INTERNAL_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#define UHD_CONTROL_LINE_MAX    4096 /* bytes before the newline ("\r" included) */
#define UHD_CONTROL_MAX_CLIENTS 8

enum uhd_control_verb {
	UHD_CONTROL_SHOW,
	UHD_CONTROL_NEXT,
	UHD_CONTROL_PREVIOUS,
	UHD_CONTROL_HOLD,
	UHD_CONTROL_RESUME,
	UHD_CONTROL_STATUS,
	UHD_CONTROL_QUIT
};

struct uhd_control_command {
	enum uhd_control_verb verb;
	char argument[4096]; /* SHOW: the pattern spec ("window percent=5"), else "" */
	int client; /* who to answer: an id that is never reused while the socket is open */
};

struct uhd_control;

/* spec "unix:PATH". Creates the socket with owner-only permissions (0600, created under a umask
 * so there is no window where it is wider), refuses a path that exists and is not a socket,
 * replaces a stale socket nobody listens on, refuses one another process is listening on. error:
 * one clear line. Returns 0 or -errno (-EINVAL for a bad spec). */
int uhd_control_open(const char *spec, struct uhd_control **out, char *error, size_t error_size);
/* Closes clients, unlinks the socket (when the path still names this one); accepts NULL and a
 * pointer to NULL; clears *control. */
void uhd_control_close(struct uhd_control **control);
/* Serves the socket for up to timeout_ms: accepts clients (at most 8 at once; more are told
 * {"ok":false,"error":"..."} and closed), reads lines, and answers protocol errors itself with
 * {"ok":false,"error":"..."} (unknown verb listing the verbs, missing/extra arguments, line over
 * 4096 bytes — the rest of that line is discarded —, NUL bytes or non-UTF-8). Returns 1 with the
 * next valid command, 0 when the time ran out (or earlier, when a signal interrupted the wait, so
 * the caller can look at its flags), or a negative errno for a failure of the socket itself.
 * Client errors (a client that disconnects, EPIPE) only drop that client. Never blocks longer than
 * timeout_ms (0: only takes what is already there). Lines already received are served before new
 * ones are read, clients in turn. Every command returned must be answered with
 * uhd_control_reply() or uhd_control_reply_error() (a half-closed client is closed after its
 * last answer). */
int uhd_control_wait(struct uhd_control *control, int timeout_ms,
                     struct uhd_control_command *command);
/* Sends one line (a JSON object; the newline is added, and newlines at the end of json, as
 * uhd_json_object_end() writes one, are dropped) to the client; a gone client is dropped, not an
 * error (returns 0). -EINVAL when json holds a newline inside (it would split the reply). */
int uhd_control_reply(struct uhd_control *control, int client, const char *json);
/* Sends {"ok":false,"error":message}, message JSON-escaped (e.g. a SHOW whose pattern does not
 * parse for the run's format). */
int uhd_control_reply_error(struct uhd_control *control, int client, const char *message);
/* Writes {"ok":false,"error":message} (escaped, no newline) to out; -ENOSPC when it does not
 * fit, -ENOMEM. */
int uhd_control_error_json(const char *message, char *out, size_t size);
/* The parsing of one line without I/O (the fuzz target's entry): 0, or -EINVAL with the reason.
 * line is length bytes without a terminator; a trailing "\n", then "\r", is ignored.
 * command->client is set to -1. */
int uhd_control_parse_line(const char *line, size_t length, struct uhd_control_command *command,
                           char *error, size_t error_size);

#endif
