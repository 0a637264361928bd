/* SPDX-License-Identifier: MIT */
/* The control socket (see control.h): a non-blocking Unix stream socket served by poll() from
 * the run loop's own thread, so that a slow or hostile client can never stall the display. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/utf8.h"
#include "../common/json.h"
#include "control.h"

#define VERB_LIST    "show NAME [KEY=VALUE ...], next, previous (prev), hold, resume, status, quit"
#define QUOTE_MAX    40 /* bytes of a client's text quoted back in an error */
#define ACCEPT_BURST 16 /* connections taken per poll, so a flood cannot starve the run loop */

struct control_client {
	int fd; /* -1: a free slot */
	int id;
	bool eof;        /* the client shut down its sending side: closed after its last answer */
	bool discarding; /* inside an over-long line: dropped up to its newline */
	int pending;     /* commands handed to the run loop and not yet answered */
	size_t used;
	char buffer[UHD_CONTROL_LINE_MAX + 1]; /* one line and its newline */
};

struct uhd_control {
	int listen_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev; /* the socket this created, so close() never unlinks another one */
	ino_t ino;
	int next_id;
	int turn;           /* the slot whose lines are served first next time */
	bool accept_paused; /* out of descriptors: stop accepting until the next wait */
	struct control_client clients[UHD_CONTROL_MAX_CLIENTS];
};

static const struct {
	const char *name;
	enum uhd_control_verb verb;
	bool takes_spec;
} verbs[] = {
        {"show", UHD_CONTROL_SHOW, true},          {"next", UHD_CONTROL_NEXT, false},
        {"previous", UHD_CONTROL_PREVIOUS, false}, {"prev", UHD_CONTROL_PREVIOUS, false},
        {"hold", UHD_CONTROL_HOLD, false},         {"resume", UHD_CONTROL_RESUME, false},
        {"status", UHD_CONTROL_STATUS, false},     {"quit", UHD_CONTROL_QUIT, false},
};
#define VERB_COUNT (sizeof(verbs) / sizeof(verbs[0]))

/* ---- Parsing one line ---- */

static int parse_error(char *error, size_t error_size, const char *format, ...)
        __attribute__((format(printf, 3, 4)));
static int parse_error(char *error, size_t error_size, const char *format, ...)
{
	if (error && error_size) {
		va_list args;
		va_start(args, format);
		vsnprintf(error, error_size, format, args);
		va_end(args);
	}
	return -EINVAL;
}

/* How many bytes of text (valid UTF-8) to quote: at most QUOTE_MAX, not splitting a character. */
static int quote_length(const char *text, size_t length)
{
	if (length <= QUOTE_MAX) {
		return (int)length;
	}
	size_t n = QUOTE_MAX;
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80) {
		n--;
	}
	return (int)n;
}

/* Text only: no NUL, no control characters but tabs, valid UTF-8. text is NUL-terminated after
 * length bytes, which uhd_utf8_length() needs to stop at the end. */
static int check_text(const char *text, size_t length, char *error, size_t error_size)
{
	if (memchr(text, '\0', length)) {
		return parse_error(error, error_size,
		                   "the line holds a NUL byte (at byte %zu); commands are text",
		                   (size_t)((const char *)memchr(text, '\0', length) - text) + 1);
	}
	for (size_t i = 0; i < length;) {
		unsigned char c = (unsigned char)text[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			return parse_error(error, error_size,
			                   "the line holds control character 0x%02x (at byte %zu); "
			                   "commands are text, one per line",
			                   c, i + 1);
		}
		size_t n = uhd_utf8_length((const unsigned char *)text + i);
		if (n == 0) {
			return parse_error(error, error_size,
			                   "the line is not UTF-8 (at byte %zu); commands are text",
			                   i + 1);
		}
		i += n;
	}
	return 0;
}

/* The words of rest joined by single spaces: the spec as the pattern parser splits it. */
static void join_words(const char *rest, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (const char *p = rest + strspn(rest, " \t"); *p; p += strspn(p, " \t")) {
		size_t n = strcspn(p, " \t");
		if (used + (used ? 1 : 0) + n >= size) {
			return; /* cannot happen: a line is shorter than the argument */
		}
		if (used) {
			out[used++] = ' ';
		}
		memcpy(out + used, p, n);
		used += n;
		out[used] = '\0';
		p += n;
	}
}

static int parse_words(const char *text, struct uhd_control_command *command, char *error,
                       size_t error_size)
{
	const char *verb = text + strspn(text, " \t");
	size_t verb_len = strcspn(verb, " \t");
	if (verb_len == 0) {
		return parse_error(error, error_size, "empty line; commands: " VERB_LIST);
	}
	const char *rest = verb + verb_len + strspn(verb + verb_len, " \t");
	for (size_t i = 0; i < VERB_COUNT; i++) {
		if (strlen(verbs[i].name) != verb_len ||
		    memcmp(verbs[i].name, verb, verb_len) != 0) {
			continue;
		}
		if (verbs[i].takes_spec && !*rest) {
			return parse_error(error, error_size,
			                   "show needs a pattern: show NAME [KEY=VALUE ...] "
			                   "(`uhdpipe pattern --list` lists them)");
		}
		if (!verbs[i].takes_spec && *rest) {
			size_t n = strlen(rest);
			return parse_error(error, error_size,
			                   "%s takes no arguments (got '%.*s%s')", verbs[i].name,
			                   quote_length(rest, n), rest, n > QUOTE_MAX ? "..." : "");
		}
		command->verb = verbs[i].verb;
		if (verbs[i].takes_spec) {
			join_words(rest, command->argument, sizeof(command->argument));
		}
		return 0;
	}
	return parse_error(error, error_size, "unknown command '%.*s%s'; commands (lower-case): %s",
	                   quote_length(verb, verb_len), verb, verb_len > QUOTE_MAX ? "..." : "",
	                   VERB_LIST);
}

int uhd_control_parse_line(const char *line, size_t length, struct uhd_control_command *command,
                           char *error, size_t error_size)
{
	command->verb = UHD_CONTROL_STATUS;
	command->argument[0] = '\0';
	command->client = -1;
	if (error && error_size) {
		error[0] = '\0';
	}
	if (length > 0 && line[length - 1] == '\n') {
		length--;
	}
	if (length > UHD_CONTROL_LINE_MAX) {
		return parse_error(error, error_size,
		                   "the line of %zu bytes is over the limit of %d; send one "
		                   "command per line",
		                   length, UHD_CONTROL_LINE_MAX);
	}
	if (length > 0 && line[length - 1] == '\r') {
		length--;
	}
	char text[UHD_CONTROL_LINE_MAX + 1];
	memcpy(text, line, length);
	text[length] = '\0';
	int ret = check_text(text, length, error, error_size);
	return ret ? ret : parse_words(text, command, error, error_size);
}

/* ---- Replies ---- */

/* {"ok":false,"error":message} without a newline, in a malloc'd buffer. */
static int format_error(const char *message, char **text, size_t *length)
{
	*text = NULL;
	*length = 0;
	FILE *file = open_memstream(text, length);
	if (!file) {
		return -ENOMEM;
	}
	struct uhd_json json;
	uhd_json_init(&json, file, false);
	uhd_json_object_begin(&json, NULL);
	uhd_json_bool(&json, "ok", false);
	uhd_json_string(&json, "error", message ? message : "");
	uhd_json_object_end(&json);
	if (fclose(file) != 0) {
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	while (*length > 0 && (*text)[*length - 1] == '\n') {
		(*text)[--*length] = '\0'; /* the writer ends a document with one */
	}
	return 0;
}

int uhd_control_error_json(const char *message, char *out, size_t size)
{
	char *text = NULL;
	size_t length = 0;
	int ret = format_error(message, &text, &length);
	if (ret == 0 && length >= size) {
		ret = -ENOSPC;
	}
	if (ret == 0) {
		memcpy(out, text, length + 1);
	}
	free(text);
	return ret;
}

static void drop_client(struct control_client *client)
{
	if (client->fd >= 0) {
		close(client->fd);
	}
	client->fd = -1;
	client->used = 0;
	client->eof = false;
	client->discarding = false;
	client->pending = 0;
}

/* A half-closed client is done once nothing it sent is left to serve or answer. */
static void finish_if_done(struct control_client *client)
{
	if (client->fd >= 0 && client->eof && client->used == 0 && client->pending == 0) {
		drop_client(client);
	}
}

/* One line in one call, never blocking: a client that is gone (EPIPE, ECONNRESET) or does not
 * read its replies until its buffer is full is dropped, since part of a line would garble the
 * stream for it anyway. MSG_NOSIGNAL: a vanished client must not raise SIGPIPE. */
static void send_line(struct control_client *client, const char *text, size_t length)
{
	struct iovec parts[2] = {{.iov_base = (void *)text, .iov_len = length},
	                         {.iov_base = "\n", .iov_len = 1}};
	struct msghdr message = {.msg_iov = parts, .msg_iovlen = 2};
	ssize_t sent;
	do {
		sent = sendmsg(client->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (sent < 0 && errno == EINTR);
	if (sent != (ssize_t)(length + 1)) {
		drop_client(client);
	}
}

static void send_error(struct control_client *client, const char *message)
{
	char *text = NULL;
	size_t length = 0;
	if (format_error(message, &text, &length) == 0) {
		send_line(client, text, length);
	} else {
		/* Out of memory: better no client than one left without its reply. */
		drop_client(client);
	}
	free(text);
}

static struct control_client *find_client(struct uhd_control *control, int id)
{
	for (int i = 0; i < UHD_CONTROL_MAX_CLIENTS; i++) {
		if (control->clients[i].fd >= 0 && control->clients[i].id == id) {
			return &control->clients[i];
		}
	}
	return NULL;
}

int uhd_control_reply(struct uhd_control *control, int client, const char *json)
{
	if (!control || !json) {
		return -EINVAL;
	}
	/* The project's JSON writer ends a document with a newline: one at the end is ours to
	 * strip, one inside would split the reply into two lines. */
	size_t length = strlen(json);
	while (length > 0 && json[length - 1] == '\n') {
		length--;
	}
	if (memchr(json, '\n', length)) {
		return -EINVAL;
	}
	struct control_client *to = find_client(control, client);
	if (!to) {
		return 0; /* gone already */
	}
	send_line(to, json, length);
	if (to->pending > 0) {
		to->pending--;
	}
	finish_if_done(to);
	return 0;
}

int uhd_control_reply_error(struct uhd_control *control, int client, const char *message)
{
	char *text = NULL;
	size_t length = 0;
	int ret = format_error(message, &text, &length);
	if (ret == 0) {
		ret = uhd_control_reply(control, client, text);
	}
	free(text);
	return ret;
}

/* ---- Serving ---- */

/* Removes the first used bytes of the client's buffer. */
static void consume(struct control_client *client, size_t count)
{
	memmove(client->buffer, client->buffer + count, client->used - count);
	client->used -= count;
}

/* The next complete line of one client: 1 with a command, 0 when it has none. Protocol errors
 * are answered on the way. */
static int take_line(struct control_client *client, struct uhd_control_command *command)
{
	char error[512];
	while (client->fd >= 0) {
		char *newline = memchr(client->buffer, '\n', client->used);
		size_t length = newline ? (size_t)(newline - client->buffer) : client->used;
		if (!newline && client->discarding) {
			client->used = 0; /* still inside the over-long line */
			finish_if_done(client);
			return 0;
		}
		if (!newline && client->used == sizeof(client->buffer)) {
			client->used = 0;
			client->discarding = true;
			snprintf(error, sizeof(error),
			         "the line is over %d bytes; it is discarded up to its "
			         "newline: send one command per line",
			         UHD_CONTROL_LINE_MAX);
			send_error(client, error);
			continue;
		}
		/* A last line without its newline still counts once the client has shut down. */
		if (!newline && (!client->eof || length == 0)) {
			finish_if_done(client);
			return 0;
		}
		if (client->discarding) {
			client->discarding = false; /* the end of an over-long line: dropped */
			consume(client, length + 1);
			continue;
		}
		int ret = uhd_control_parse_line(client->buffer, length, command, error,
		                                 sizeof(error));
		consume(client, newline ? length + 1 : length);
		if (ret < 0) {
			send_error(client, error);
			continue;
		}
		command->client = client->id;
		client->pending++;
		return 1;
	}
	return 0;
}

/* Lines already received, clients in turn so that a chatty one cannot starve the others. */
static int take_buffered(struct uhd_control *control, struct uhd_control_command *command)
{
	for (int n = 0; n < UHD_CONTROL_MAX_CLIENTS; n++) {
		int slot = (control->turn + n) % UHD_CONTROL_MAX_CLIENTS;
		if (take_line(&control->clients[slot], command) == 1) {
			control->turn = (slot + 1) % UHD_CONTROL_MAX_CLIENTS;
			return 1;
		}
	}
	return 0;
}

static void add_client(struct uhd_control *control, int fd)
{
	for (int i = 0; i < UHD_CONTROL_MAX_CLIENTS; i++) {
		struct control_client *client = &control->clients[i];
		if (client->fd < 0) {
			drop_client(client);
			client->fd = fd;
			client->id = control->next_id;
			control->next_id = control->next_id == INT_MAX ? 1 : control->next_id + 1;
			return;
		}
	}
	struct control_client refused = {.fd = fd};
	send_error(&refused, "too many control clients (at most 8 at once); close one and try "
	                     "again");
	drop_client(&refused);
}

/* Takes waiting connections; a negative errno only for a failure of the listening socket. */
static int accept_clients(struct uhd_control *control)
{
	for (int n = 0; n < ACCEPT_BURST; n++) {
		int fd = accept4(control->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			add_client(control, fd);
			continue;
		}
		switch (errno) {
		case EINTR:
		case ECONNABORTED:
		case EPROTO: continue;
		case EAGAIN: return 0;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			/* The connection stays queued; polling would spin on it until the time ran
			 * out, so accepting waits for the next call. */
			control->accept_paused = true;
			return 0;
		default: return -errno;
		}
	}
	return 0;
}

static void read_client(struct control_client *client)
{
	ssize_t n = recv(client->fd, client->buffer + client->used,
	                 sizeof(client->buffer) - client->used, MSG_DONTWAIT);
	if (n > 0) {
		client->used += (size_t)n;
	} else if (n == 0) {
		client->eof = true;
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		drop_client(client); /* ECONNRESET and the like: that client only */
	}
}

#define SERVE_INTERRUPTED 1

/* One poll(): accepts and reads what is ready. 0, SERVE_INTERRUPTED (a signal), or a negative
 * errno for the listening socket. */
static int serve(struct uhd_control *control, int timeout_ms)
{
	struct pollfd fds[1 + UHD_CONTROL_MAX_CLIENTS];
	int slots[1 + UHD_CONTROL_MAX_CLIENTS];
	nfds_t count = 0;
	if (!control->accept_paused) {
		fds[count] = (struct pollfd){.fd = control->listen_fd, .events = POLLIN};
		slots[count++] = -1;
	}
	for (int i = 0; i < UHD_CONTROL_MAX_CLIENTS; i++) {
		struct control_client *client = &control->clients[i];
		if (client->fd >= 0) {
			/* A half-closed client is only watched for hanging up: it has no more to
			 * read, and polling it for input would report its end again and again. */
			fds[count] = (struct pollfd){.fd = client->fd,
			                             .events = client->eof ? 0 : POLLIN};
			slots[count++] = i;
		}
	}
	int ready = poll(fds, count, timeout_ms);
	if (ready < 0) {
		return errno == EINTR ? SERVE_INTERRUPTED : -errno;
	}
	for (nfds_t i = 0; i < count && ready > 0; i++) {
		short revents = fds[i].revents;
		if (slots[i] < 0 && (revents & (POLLERR | POLLNVAL))) {
			return -EIO;
		}
		if (slots[i] < 0 && (revents & POLLIN)) {
			int ret = accept_clients(control);
			if (ret < 0) {
				return ret;
			}
		} else if (slots[i] >= 0 && (revents & POLLIN)) {
			read_client(&control->clients[slots[i]]);
		} else if (slots[i] >= 0 && (revents & (POLLHUP | POLLERR | POLLNVAL))) {
			drop_client(&control->clients[slots[i]]);
		}
	}
	return 0;
}

int uhd_control_wait(struct uhd_control *control, int timeout_ms,
                     struct uhd_control_command *command)
{
	double deadline = uhd_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	control->accept_paused = false;
	for (bool polled = false;; polled = true) {
		int ret = take_buffered(control, command);
		if (ret != 0) {
			return ret;
		}
		double left = deadline - uhd_now_ms();
		if (polled && left <= 0) {
			return 0;
		}
		/* Rounded down: the wait never outlasts timeout_ms. */
		ret = serve(control, left > 0 ? (int)left : 0);
		if (ret < 0) {
			return ret;
		}
		if (ret == SERVE_INTERRUPTED) {
			return take_buffered(control, command);
		}
	}
}

/* ---- Opening and closing ---- */

static int open_error(int ret, char *error, size_t error_size, const char *format, ...)
        __attribute__((format(printf, 4, 5)));
static int open_error(int ret, char *error, size_t error_size, const char *format, ...)
{
	if (error && error_size) {
		va_list args;
		va_start(args, format);
		vsnprintf(error, error_size, format, args);
		va_end(args);
	}
	return ret;
}

/* Whether something listens on the socket at address: a stale socket (its process gone)
 * refuses the connection. 1: someone listens, 0: stale, or a negative errno. */
static int is_listening(const struct sockaddr_un *address)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	int ret = connect(fd, (const struct sockaddr *)address, sizeof(*address));
	/* EAGAIN: its backlog is full, which only a live listener has. */
	ret = ret == 0 || errno == EAGAIN || errno == EINPROGRESS ? 1
	      : errno == ECONNREFUSED                             ? 0
	                                                          : -errno;
	close(fd);
	return ret;
}

/* Makes the path free for bind(): nothing there, or a stale socket removed. Anything else at
 * the path is left alone: a mistyped path must not delete someone's file. */
static int clear_path(const struct sockaddr_un *address, char *error, size_t error_size)
{
	const char *path = address->sun_path;
	struct stat st;
	if (lstat(path, &st) < 0) {
		return errno == ENOENT
		               ? 0
		               : open_error(-errno, error, error_size,
		                            "control socket %s: cannot look at the path: %s; "
		                            "check the folder",
		                            path, strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode)) {
		return open_error(
		        -EEXIST, error, error_size,
		        "control socket %s: the path exists and is not a socket; remove it "
		        "or choose another path",
		        path);
	}
	int ret = is_listening(address);
	if (ret > 0) {
		return open_error(
		        -EADDRINUSE, error, error_size,
		        "control socket %s: another process is listening on it; stop that "
		        "one or choose another path",
		        path);
	}
	if (ret < 0) {
		return open_error(
		        ret, error, error_size,
		        "control socket %s: cannot tell whether it is in use: %s; remove it "
		        "or choose another path",
		        path, strerror(-ret));
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		return open_error(
		        -errno, error, error_size,
		        "control socket %s: cannot remove the stale socket: %s; remove it "
		        "or choose another path",
		        path, strerror(errno));
	}
	return 0;
}

/* bind() under umask 0177, so the socket is 0600 from its first instant: a chmod() after it
 * would leave a window in which others could connect. umask is process-wide; another thread
 * creating a file in this instant gets narrower permissions, never wider ones. */
static int bind_private(int fd, const struct sockaddr_un *address)
{
	mode_t old = umask(0177);
	int ret = bind(fd, (const struct sockaddr *)address, sizeof(*address));
	int saved = errno;
	umask(old);
	return ret < 0 ? -saved : 0;
}

static int create_socket(const struct sockaddr_un *address, int *out, char *error,
                         size_t error_size)
{
	const char *path = address->sun_path;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return open_error(-errno, error, error_size,
		                  "control socket %s: cannot create a socket: %s", path,
		                  strerror(errno));
	}
	int ret = bind_private(fd, address);
	if (ret < 0) {
		close(fd);
		return open_error(ret, error, error_size,
		                  "control socket %s: cannot create it: %s; %s", path,
		                  strerror(-ret),
		                  ret == -EADDRINUSE ? "another process just created it; choose "
		                                       "another path"
		                                     : "check that the folder exists and is "
		                                       "writable");
	}
	if (listen(fd, UHD_CONTROL_MAX_CLIENTS) < 0) {
		ret = -errno;
		close(fd);
		unlink(path);
		return open_error(ret, error, error_size, "control socket %s: cannot listen: %s",
		                  path, strerror(-ret));
	}
	*out = fd;
	return 0;
}

static int parse_spec(const char *spec, struct sockaddr_un *address, char *error, size_t error_size)
{
	memset(address, 0, sizeof(*address));
	address->sun_family = AF_UNIX;
	if (!spec || strncmp(spec, "unix:", 5) != 0 || spec[5] == '\0') {
		return open_error(-EINVAL, error, error_size,
		                  "control '%.64s': give unix:PATH, e.g. --control "
		                  "unix:/tmp/uhdpipe.sock",
		                  spec ? spec : "");
	}
	const char *path = spec + 5;
	if (strlen(path) >= sizeof(address->sun_path)) {
		return open_error(-ENAMETOOLONG, error, error_size,
		                  "control socket path of %zu bytes is too long (at most %zu); "
		                  "choose a shorter one",
		                  strlen(path), sizeof(address->sun_path) - 1);
	}
	strcpy(address->sun_path, path);
	return 0;
}

int uhd_control_open(const char *spec, struct uhd_control **out, char *error, size_t error_size)
{
	*out = NULL;
	struct sockaddr_un address;
	int fd = -1;
	int ret = parse_spec(spec, &address, error, error_size);
	ret = ret ? ret : clear_path(&address, error, error_size);
	ret = ret ? ret : create_socket(&address, &fd, error, error_size);
	if (ret < 0) {
		return ret;
	}
	struct uhd_control *control = calloc(1, sizeof(*control));
	struct stat st;
	if (!control || lstat(address.sun_path, &st) < 0) {
		ret = control ? -errno : -ENOMEM;
		free(control);
		close(fd);
		unlink(address.sun_path);
		return open_error(ret, error, error_size, "control socket %s: cannot set up: %s",
		                  address.sun_path, strerror(-ret));
	}
	control->listen_fd = fd;
	strcpy(control->path, address.sun_path);
	control->dev = st.st_dev;
	control->ino = st.st_ino;
	control->next_id = 1;
	for (int i = 0; i < UHD_CONTROL_MAX_CLIENTS; i++) {
		control->clients[i].fd = -1;
	}
	*out = control;
	return 0;
}

void uhd_control_close(struct uhd_control **control)
{
	if (!control || !*control) {
		return;
	}
	struct uhd_control *c = *control;
	for (int i = 0; i < UHD_CONTROL_MAX_CLIENTS; i++) {
		drop_client(&c->clients[i]);
	}
	close(c->listen_fd);
	struct stat st;
	if (lstat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino) {
		unlink(c->path);
	}
	free(c);
	*control = NULL;
}
