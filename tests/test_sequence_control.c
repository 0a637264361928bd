/* SPDX-License-Identifier: MIT */
/*
 * Pattern sequence files and the control socket, without a GPU: sequence parsing (frame counts,
 * rate, loop, shared patterns, and each kind of mistake with where it is), the control protocol's
 * line parser, and a real socket round trip (owner-only mode, commands, error replies that are
 * valid JSON, an over-long line, half-closed clients, a stale socket replaced, a file refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/json_read.h"
#include "harness.h"
#include "pattern/control.h"
#include "pattern/sequence.h"

#define DOC(literal) literal, sizeof(literal) - 1

static const struct uhd_pattern_format small_format = {.width = 64,
                                                       .height = 36,
                                                       .bits = 10,
                                                       .transfer = UHD_TRANSFER_PQ,
                                                       .range = UHD_RANGE_LIMITED};

/* ---- Sequences ---- */

/* Parses from a heap copy of exactly length bytes, so that AddressSanitizer sees a read past
 * the end (the parser gets no terminator). */
static int parse(const char *text, size_t length, double default_rate, struct uhd_sequence **out,
                 char *error, size_t error_size)
{
	char *copy = malloc(length ? length : 1);
	memcpy(copy, text, length);
	int ret = uhd_sequence_parse(copy, length, &small_format, default_rate, out, error,
	                             error_size);
	free(copy);
	return ret;
}

static void expect_error(const char *text, size_t length, const char *fragment1,
                         const char *fragment2)
{
	struct uhd_sequence *sequence = (struct uhd_sequence *)&sequence; /* must be cleared */
	char error[1024] = "";
	int ret = parse(text, length, 60, &sequence, error, sizeof(error));
	CHECK(ret == -EINVAL, "'%s': expected -EINVAL, got %d", text, ret);
	CHECK(sequence == NULL, "'%s': *out must be NULL on error", text);
	CHECK(strstr(error, fragment1), "'%s': error '%s' lacks '%s'", text, error, fragment1);
	CHECK(!fragment2 || strstr(error, fragment2), "'%s': error '%s' lacks '%s'", text, error,
	      fragment2);
	CHECK(!strchr(error, '\n'), "'%s': error '%s' is more than one line", text, error);
	if (ret == 0) {
		uhd_sequence_destroy(&sequence);
	}
}

static void test_sequence_valid(void)
{
	static const char doc[] =
	        "{ \"rate\": 60, \"loop\": false,\n"
	        "  \"patterns\": [\n"
	        "    {\"pattern\": \"window percent=10 level=1000cd\", \"seconds\": 5},\n"
	        "    {\"pattern\": \"field\", \"params\": {\"colour\": \"red\"}, \"frames\": "
	        "120},\n"
	        "    {\"pattern\": \"bt2111-bars\", \"until\": \"next\"},\n"
	        "    {\"pattern\": \"window\", \"params\": {\"percent\": 10, \"level\": "
	        "\"1000cd\"},"
	        " \"seconds\": 0.001} ] }";
	struct uhd_sequence *sequence = NULL;
	char error[1024] = "";
	int ret = parse(doc, sizeof(doc) - 1, 30, &sequence, error, sizeof(error));
	CHECK(ret == 0 && sequence, "the example must parse, got %d: %s", ret, error);
	if (!sequence) {
		return;
	}
	CHECK(sequence->count == 4, "count %d, expected 4", sequence->count);
	CHECK(sequence->rate == 60, "rate %g, expected 60 (the file's, not the default)",
	      sequence->rate);
	CHECK(!sequence->loop, "loop must be false");
	const struct uhd_seq_entry *e = sequence->entries;
	CHECK(e[0].frames == 300 && !e[0].until_next,
	      "entry 1: 5 s at 60 fps is 300 frames, got "
	      "%lld",
	      (long long)e[0].frames);
	CHECK(e[1].frames == 120 && !e[1].until_next, "entry 2: frames %lld, expected 120",
	      (long long)e[1].frames);
	CHECK(e[2].frames == 0 && e[2].until_next, "entry 3 must be until next, 0 frames");
	CHECK(e[3].frames == 1, "entry 4: 0.001 s rounds to 0 frames, shown for 1; got %lld",
	      (long long)e[3].frames);
	CHECK(sequence->total_frames == 421, "total %lld, expected 421",
	      (long long)sequence->total_frames);
	CHECK(strncmp(e[0].spec, "window percent=10 ", 18) == 0 &&
	              strstr(e[0].spec, "level=1000cd"),
	      "entry 1 spec '%s' must be canonical", e[0].spec);
	CHECK(strstr(e[1].spec, "field colour=red") == e[1].spec, "entry 2 spec '%s'", e[1].spec);
	CHECK(strcmp(e[0].spec, uhd_pattern_spec(e[0].pattern)) == 0,
	      "spec and pattern must agree");
	CHECK(e[3].pattern == e[0].pattern && sequence->pattern_count == 3,
	      "entries 1 and 4 are the same pattern and must share it (%d distinct)",
	      sequence->pattern_count);
	uhd_sequence_destroy(&sequence);
	CHECK(sequence == NULL, "destroy must clear the pointer");
	uhd_sequence_destroy(&sequence);
	uhd_sequence_destroy(NULL);
}

static void test_sequence_defaults_and_rounding(void)
{
	struct uhd_sequence *sequence = NULL;
	char error[1024] = "";
	/* 0.5 s at 23.976: 11.988 frames -> 12; 20.8125 s: 499.0005 -> 499. */
	int ret = parse(DOC("{\"loop\": true, \"patterns\": [{\"pattern\": \"ramp\", \"seconds\": "
	                    "0.5}, {\"pattern\": \"pixel\", \"params\": {\"period\": 2}, "
	                    "\"seconds\": 20.8125}]}"),
	                23.976, &sequence, error, sizeof(error));
	CHECK(ret == 0, "must parse, got %d: %s", ret, error);
	if (sequence) {
		CHECK(sequence->rate == 23.976, "default rate expected, got %g", sequence->rate);
		CHECK(sequence->loop, "loop must be true");
		CHECK(sequence->entries[0].frames == 12, "0.5 s at 23.976: 12 frames, got %lld",
		      (long long)sequence->entries[0].frames);
		CHECK(sequence->entries[1].frames == 499, "20.8125 s: %lld frames, expected 499",
		      (long long)sequence->entries[1].frames);
		CHECK(strstr(sequence->entries[1].spec, "period=2"), "params number: '%s'",
		      sequence->entries[1].spec);
		uhd_sequence_destroy(&sequence);
	}
	/* Halves round away from zero: 2.5 frames -> 3. */
	ret = parse(
	        DOC("{\"rate\": 1, \"patterns\": [{\"pattern\": \"field\", \"seconds\": 2.5}]}"),
	        60, &sequence, error, sizeof(error));
	CHECK(ret == 0 && sequence && sequence->entries[0].frames == 3,
	      "2.5 frames must round to 3 (%d: %s)", ret, error);
	uhd_sequence_destroy(&sequence);
	/* Non-integer params keep their value exactly (shortest round trip). */
	ret = parse(DOC("{\"patterns\": [{\"pattern\": \"window\", \"params\": {\"percent\": 0.1}, "
	                "\"frames\": 1}]}"),
	            60, &sequence, error, sizeof(error));
	CHECK(ret == 0 && sequence && strstr(sequence->entries[0].spec, "percent=0.1 "),
	      "percent 0.1 must read as 0.1 (%d: %s, %s)", ret, error,
	      sequence ? sequence->entries[0].spec : "");
	uhd_sequence_destroy(&sequence);
}

static void test_sequence_errors(void)
{
	/* Syntax: the position is the JSON parser's, at the token where a comma was due. */
	expect_error(DOC("{\"rate\": 60,\n \"patterns\": [\n  {\"pattern\": \"field\" \"frames\": "
	                 "1}]}"),
	             "line 3, column 30", "'}' expected");
	expect_error(DOC(""), "line 1, column 1", NULL);
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"frames\": 1}, "
	                 "{\"pattern\": \"field\", \"frames\": 1}, "
	                 "{\"pattern\": \"nosuch x=1\", \"frames\": 1}]}"),
	             "patterns[2] (entry 3): unknown pattern 'nosuch'", "known:");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"window percent=200\", \"frames\": 1}]}"),
	             "patterns[0] (entry 1)", "percent");
	/* Unknown keys, at the top and in an entry, and duplicates (the reader refuses those). */
	expect_error(DOC("{\"rat\": 60, \"patterns\": [{\"pattern\": \"field\", \"frames\": 1}]}"),
	             "unknown key 'rat'", "rate, loop, patterns");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"frame\": 1}]}"),
	             "patterns[0] (entry 1): unknown key 'frame'", NULL);
	expect_error(DOC("{\"rate\": 60, \"rate\": 30, \"patterns\": [{\"pattern\": \"field\", "
	                 "\"frames\": 1}]}"),
	             "line 1, column 19", "duplicate object key near '\"rate\"'");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"frames\": 1, \"x\\ny\": 1}]}"),
	             "unknown key 'x?y'", NULL);
	/* Durations. */
	static const char *const bad_durations[] = {
	        "{\"patterns\": [{\"pattern\": \"field\"}]}",
	        "{\"patterns\": [{\"pattern\": \"field\", \"seconds\": 1, \"frames\": 2}]}",
	        "{\"patterns\": [{\"pattern\": \"field\", \"frames\": 1, \"until\": \"next\"}]}",
	};
	for (size_t i = 0; i < sizeof(bad_durations) / sizeof(bad_durations[0]); i++) {
		expect_error(bad_durations[i], strlen(bad_durations[i]), "exactly one of", NULL);
	}
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"seconds\": 0}]}"), "seconds",
	             "> 0");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"seconds\": -1}]}"), "seconds",
	             "> 0");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"seconds\": \"5\"}]}"),
	             "seconds", "> 0");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"frames\": 0}]}"), "frames",
	             ">= 1");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"frames\": 1.5}]}"), "frames",
	             ">= 1");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"until\": \"later\"}]}"),
	             "until", "\"next\"");
	expect_error(DOC("{\"rate\": 1000, \"patterns\": [{\"pattern\": \"field\", \"seconds\": "
	                 "1e300}]}"),
	             "2^53", NULL);
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"frames\": 9007199254740990},"
	                 " {\"pattern\": \"field\", \"frames\": 3}]}"),
	             "patterns[1] (entry 2)", "2^53");
	/* Rate, loop, list. */
	expect_error(DOC("{\"rate\": 0, \"patterns\": [{\"pattern\": \"field\", \"frames\": 1}]}"),
	             "rate", "0.001..1000");
	expect_error(
	        DOC("{\"rate\": 1001, \"patterns\": [{\"pattern\": \"field\", \"frames\": 1}]}"),
	        "rate", "0.001..1000");
	expect_error(DOC("{\"loop\": 1, \"patterns\": [{\"pattern\": \"field\", \"frames\": 1}]}"),
	             "loop", "true or false");
	expect_error(DOC("{\"patterns\": []}"), "patterns", "1 to 10000");
	expect_error(DOC("{\"patterns\": {}}"), "patterns", "1 to 10000");
	expect_error(DOC("[]"), "must be an object", NULL);
	expect_error(DOC("{\"patterns\": [5]}"), "patterns[0] (entry 1)", "object");
	/* Params. */
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"window percent=5\", \"params\": "
	                 "{\"percent\": 6}, \"frames\": 1}]}"),
	             "params.percent", "give it once");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"params\": {\"colour\": "
	                 "\"dark red\"}, \"frames\": 1}]}"),
	             "params.colour", "one word");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"params\": {\"colour\": "
	                 "true}, \"frames\": 1}]}"),
	             "params.colour", "number or a string");
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\", \"params\": {\"a=b\": 1}, "
	                 "\"frames\": 1}]}"),
	             "not a parameter name", NULL);
	expect_error(DOC("{\"patterns\": [{\"pattern\": \"field\\ncolour=red\", \"frames\": 1}]}"),
	             "pattern: give one line", NULL);
	expect_error(DOC("{\"patterns\": [{\"pattern\": 5, \"frames\": 1}]}"), "give \"pattern\"",
	             NULL);

	/* No rate in the file and an unusable default. */
	struct uhd_sequence *sequence = NULL;
	char error[512] = "";
	int ret = parse(DOC("{\"patterns\": [{\"pattern\": \"field\", \"frames\": 1}]}"), 0,
	                &sequence, error, sizeof(error));
	CHECK(ret == -EINVAL && strstr(error, "add \"rate\""), "bad default rate: %d %s", ret,
	      error);
	uhd_sequence_destroy(&sequence);
}

static void test_sequence_limits(void)
{
	/* 10000 entries parse (sharing one pattern); 10001 do not. */
	const char *entry = "{\"pattern\": \"field\", \"frames\": 1},";
	size_t size = 32 + 10001 * strlen(entry);
	char *doc = malloc(size);
	for (int count = 10000; count <= 10001; count++) {
		size_t used = (size_t)snprintf(doc, size, "{\"patterns\": [");
		for (int i = 0; i < count; i++) {
			used += (size_t)snprintf(doc + used, size - used, "%s", entry);
		}
		doc[used - 1] = ']';
		doc[used++] = '}';
		struct uhd_sequence *sequence = NULL;
		char error[512] = "";
		int ret = parse(doc, used, 60, &sequence, error, sizeof(error));
		if (count == 10000) {
			CHECK(ret == 0 && sequence && sequence->count == 10000 &&
			              sequence->pattern_count == 1,
			      "10000 entries must parse into one shared pattern (%d: %s)", ret,
			      error);
		} else {
			CHECK(ret == -EINVAL && strstr(error, "1 to 10000"), "10001 entries: %d %s",
			      ret, error);
		}
		uhd_sequence_destroy(&sequence);
	}
	free(doc);
}

static void test_sequence_load(const char *dir)
{
	char path[512], error[1024] = "";
	struct uhd_sequence *sequence = NULL;
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	int ret = uhd_sequence_load(path, &small_format, 60, &sequence, error, sizeof(error));
	CHECK(ret == -ENOENT && strstr(error, path) && !sequence, "missing file: %d %s", ret,
	      error);
	ret = uhd_sequence_load(dir, &small_format, 60, &sequence, error, sizeof(error));
	CHECK(ret == -EISDIR && strstr(error, dir), "a folder: %d %s", ret, error);
	snprintf(path, sizeof(path), "%s/seq.json", dir);
	FILE *file = fopen(path, "w");
	fputs("{\"patterns\": [\n{\"pattern\": \"field\", \"frames\": 2},\n"
	      "{\"pattern\": \"bad\", \"frames\": 2}]}",
	      file);
	fclose(file);
	ret = uhd_sequence_load(path, &small_format, 60, &sequence, error, sizeof(error));
	CHECK(ret == -EINVAL && strncmp(error, path, strlen(path)) == 0 &&
	              strstr(error, "patterns[1] (entry 2): unknown pattern 'bad'"),
	      "errors are prefixed with the path: %d %s", ret, error);
	file = fopen(path, "w");
	fputs("{\"patterns\": [{\"pattern\": \"field\", \"frames\": 2}]}", file);
	fclose(file);
	ret = uhd_sequence_load(path, &small_format, 60, &sequence, error, sizeof(error));
	CHECK(ret == 0 && sequence && sequence->entries[0].frames == 2, "load: %d %s", ret, error);
	uhd_sequence_destroy(&sequence);
	unlink(path);
}

/* ---- Control: the line parser ---- */

static void expect_command(const char *line, size_t length, enum uhd_control_verb verb,
                           const char *argument)
{
	static struct uhd_control_command command;
	char error[512] = "";
	int ret = uhd_control_parse_line(line, length, &command, error, sizeof(error));
	CHECK(ret == 0, "'%s' must parse: %s", line, error);
	CHECK(ret != 0 || command.verb == verb, "'%s': verb %d, expected %d", line, command.verb,
	      verb);
	CHECK(ret != 0 || strcmp(command.argument, argument) == 0,
	      "'%s': argument '%s', expected '%s'", line, command.argument, argument);
}

static void expect_refused(const char *line, size_t length, const char *fragment)
{
	static struct uhd_control_command command;
	char error[512] = "";
	int ret = uhd_control_parse_line(line, length, &command, error, sizeof(error));
	CHECK(ret == -EINVAL, "'%s': expected -EINVAL, got %d", line, ret);
	CHECK(strstr(error, fragment), "'%s': error '%s' lacks '%s'", line, error, fragment);
}

static void test_parse_line(void)
{
	expect_command(DOC("show window percent=5"), UHD_CONTROL_SHOW, "window percent=5");
	expect_command(DOC("  show\twindow   percent=5 \r\n"), UHD_CONTROL_SHOW,
	               "window percent=5");
	expect_command(DOC("show caf\xc3\xa9"), UHD_CONTROL_SHOW, "caf\xc3\xa9");
	expect_command(DOC("next"), UHD_CONTROL_NEXT, "");
	expect_command(DOC("next\r"), UHD_CONTROL_NEXT, "");
	expect_command(DOC("previous"), UHD_CONTROL_PREVIOUS, "");
	expect_command(DOC("prev "), UHD_CONTROL_PREVIOUS, "");
	expect_command(DOC("hold"), UHD_CONTROL_HOLD, "");
	expect_command(DOC("resume"), UHD_CONTROL_RESUME, "");
	expect_command(DOC("status"), UHD_CONTROL_STATUS, "");
	expect_command(DOC("quit\n"), UHD_CONTROL_QUIT, "");

	expect_refused(DOC(""), "empty line");
	expect_refused(DOC("  \t "), "empty line");
	expect_refused(DOC("SHOW field"), "unknown command 'SHOW'");
	expect_refused(DOC("jump 3"), "show NAME [KEY=VALUE ...], next, previous (prev), hold");
	expect_refused(DOC("show"), "show needs a pattern");
	expect_refused(DOC("show  \r"), "show needs a pattern");
	expect_refused(DOC("next 2"), "next takes no arguments");
	expect_refused(DOC("quit now"), "quit takes no arguments");
	expect_refused(DOC("sta\0tus"), "NUL byte (at byte 4)");
	expect_refused(DOC("show \xff"), "not UTF-8 (at byte 6)");
	expect_refused(DOC("show \xc0\xaf"), "not UTF-8");     /* overlong '/' */
	expect_refused(DOC("show \xed\xa0\x80"), "not UTF-8"); /* a surrogate */
	expect_refused(DOC("show caf\xc3"), "not UTF-8");      /* cut short */
	expect_refused(DOC("status\x1b[2J"), "control character 0x1b");
	expect_refused(DOC("next\nquit"), "control character 0x0a");

	char line[UHD_CONTROL_LINE_MAX + 2];
	memset(line, 'a', sizeof(line));
	memcpy(line, "show ", 5);
	expect_refused(line, UHD_CONTROL_LINE_MAX + 1, "over the limit of 4096");
	line[UHD_CONTROL_LINE_MAX] = '\n';
	static struct uhd_control_command command;
	char error[512];
	CHECK(uhd_control_parse_line(line, UHD_CONTROL_LINE_MAX + 1, &command, error,
	                             sizeof(error)) == 0 &&
	              strlen(command.argument) == UHD_CONTROL_LINE_MAX - 5,
	      "a line of exactly 4096 bytes must parse");

	char reply[1024];
	CHECK(uhd_control_error_json("a \"quoted\"\n\x01 word \xff", reply, sizeof(reply)) == 0 &&
	              strcmp(reply, "{\"ok\":false,\"error\":\"a \\\"quoted\\\"\\n\\u0001 word "
	                            "\\ufffd\"}") == 0,
	      "error JSON: %s", reply);
	CHECK(uhd_control_error_json("message", reply, 8) == -ENOSPC, "too small must be -ENOSPC");
}

/* ---- Control: the socket ---- */

static int connect_to(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	snprintf(address.sun_path, sizeof(address.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_all(int fd, const char *text, size_t length)
{
	while (length > 0) {
		ssize_t n = send(fd, text, length, MSG_NOSIGNAL);
		if (n <= 0) {
			return;
		}
		text += n;
		length -= (size_t)n;
	}
}

/* One reply line (without its newline) within timeout_ms, serving the control socket meanwhile
 * when control is given (its error replies are sent from inside uhd_control_wait; no command
 * may come then). "" when none came. */
static const char *read_reply(struct uhd_control *control, int fd, int timeout_ms)
{
	static char line[8192];
	size_t used = 0;
	for (int waited = 0; waited < timeout_ms; waited += 10) {
		struct uhd_control_command command;
		int ret = control ? uhd_control_wait(control, 10, &command) : 0;
		CHECK(ret == 0, "no command expected while waiting for an error reply, got %d",
		      ret);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		while (poll(&p, 1, control ? 0 : 10) == 1 && used + 1 < sizeof(line)) {
			ssize_t n = recv(fd, line + used, 1, 0);
			if (n <= 0) {
				line[used] = '\0';
				return line;
			}
			if (line[used] == '\n') {
				line[used] = '\0';
				return line;
			}
			used++;
		}
	}
	line[used] = '\0';
	return line;
}

static void check_error_reply(const char *reply, const char *fragment)
{
	json_t *root = NULL;
	char error[256] = "";
	int ret = uhd_json_load(reply, strlen(reply), &root, error, sizeof(error));
	bool ok = true;
	const char *message = "";
	CHECK(ret == 0, "reply '%s' must be JSON: %s", reply, error);
	CHECK(uhd_json_get_bool(root, "ok", &ok) && !ok, "reply '%s' must have ok false", reply);
	CHECK(uhd_json_get_string(root, "error", &message) && strstr(message, fragment),
	      "reply '%s' must say '%s'", reply, fragment);
	json_decref(root);
}

/* Waits up to a second for the next command. */
static int next_command(struct uhd_control *control, struct uhd_control_command *command)
{
	int ret = 0;
	for (int i = 0; i < 100 && ret == 0; i++) {
		ret = uhd_control_wait(control, 10, command);
	}
	return ret;
}

static void test_socket_round_trip(const char *dir)
{
	char spec[600], path[512], error[512] = "";
	snprintf(path, sizeof(path), "%s/control.sock", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	struct uhd_control *control = NULL;
	int ret = uhd_control_open(spec, &control, error, sizeof(error));
	CHECK(ret == 0 && control, "open %s: %d %s", spec, ret, error);
	if (!control) {
		return;
	}
	struct stat st;
	CHECK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600,
	      "the socket must be 0600, is %o", (unsigned)(st.st_mode & 0777));

	/* Nothing there: a wait of 50 ms returns 0 after about that long. */
	struct uhd_control_command command;
	double start = uhd_now_ms();
	CHECK(uhd_control_wait(control, 50, &command) == 0, "an idle wait returns 0");
	double took = uhd_now_ms() - start;
	CHECK(took >= 40 && took < 500, "an idle 50 ms wait took %.1f ms", took);

	int fd = connect_to(path);
	CHECK(fd >= 0, "connect to %s", path);
	send_all(fd, DOC("status\n"));
	ret = next_command(control, &command);
	CHECK(ret == 1 && command.verb == UHD_CONTROL_STATUS, "status: got %d verb %d", ret,
	      command.verb);
	CHECK(uhd_control_reply(control, command.client, "{\"ok\":true,\"shown\":\"field\"}") == 0,
	      "reply");
	CHECK(strcmp(read_reply(NULL, fd, 1000), "{\"ok\":true,\"shown\":\"field\"}") == 0,
	      "the client must get the reply");
	CHECK(uhd_control_reply(control, command.client, "{\"a\":1}\n{}") == -EINVAL,
	      "a reply holding a newline is refused");
	/* A document from the JSON writer ends in a newline: still one line. */
	send_all(fd, DOC("status\n"));
	ret = next_command(control, &command);
	CHECK(ret == 1 && uhd_control_reply(control, command.client, "{\"ok\":true}\n") == 0,
	      "a reply ending in a newline is sent");
	CHECK(strcmp(read_reply(NULL, fd, 1000), "{\"ok\":true}") == 0, "and arrives as one line");

	/* Garbage: an error reply that is valid JSON. */
	send_all(fd, DOC("\xff\xfe garbage \"quoted\"\n"));
	check_error_reply(read_reply(control, fd, 1000), "not UTF-8");
	send_all(fd, DOC("dance\n"));
	check_error_reply(read_reply(control, fd, 1000), "unknown command 'dance'");

	/* An over-long line: one error reply, and the next line works. */
	char *long_line = malloc(5001);
	memset(long_line, 'x', 5000);
	long_line[5000] = '\n';
	send_all(fd, long_line, 5001);
	free(long_line);
	check_error_reply(read_reply(control, fd, 1000), "over 4096 bytes");
	send_all(fd, DOC("show window  percent=5\r\nnext\n"));
	ret = next_command(control, &command);
	CHECK(ret == 1 && command.verb == UHD_CONTROL_SHOW &&
	              strcmp(command.argument, "window percent=5") == 0,
	      "after the long line: %d verb %d '%s'", ret, command.verb, command.argument);
	uhd_control_reply_error(control, command.client, "pattern window: percent=500: no");
	check_error_reply(read_reply(NULL, fd, 1000), "percent=500");
	ret = next_command(control, &command);
	CHECK(ret == 1 && command.verb == UHD_CONTROL_NEXT, "two lines in one send: %d verb %d",
	      ret, command.verb);
	uhd_control_reply(control, command.client, "{\"ok\":true}");
	CHECK(strcmp(read_reply(NULL, fd, 1000), "{\"ok\":true}") == 0, "reply to next");

	/* A half-closed client (`echo status | socat`) still gets its reply. */
	int half = connect_to(path);
	send_all(half, DOC("quit"));
	shutdown(half, SHUT_WR);
	ret = next_command(control, &command);
	CHECK(ret == 1 && command.verb == UHD_CONTROL_QUIT,
	      "a last line without newline counts at end of input: %d", ret);
	uhd_control_reply(control, command.client, "{\"ok\":true,\"quit\":true}");
	CHECK(strcmp(read_reply(NULL, half, 1000), "{\"ok\":true,\"quit\":true}") == 0,
	      "the half-closed client must get its reply");
	char byte;
	CHECK(recv(half, &byte, 1, MSG_DONTWAIT) == 0, "and then be closed");
	close(half);

	/* A client that vanished: replying to it is not an error. */
	send_all(fd, DOC("hold\n"));
	ret = next_command(control, &command);
	close(fd);
	CHECK(ret == 1 && command.verb == UHD_CONTROL_HOLD, "hold: %d", ret);
	uhd_control_wait(control, 20, &command);
	CHECK(uhd_control_reply(control, command.client, "{\"ok\":true}") == 0,
	      "a reply to a gone client is not an error");

	/* More than 8 clients: the ninth is told and closed. */
	int clients[9];
	for (int i = 0; i < 9; i++) {
		clients[i] = connect_to(path);
		uhd_control_wait(control, 10, &command);
	}
	check_error_reply(read_reply(control, clients[8], 1000), "too many control clients");
	for (int i = 0; i < 9; i++) {
		close(clients[i]);
	}

	/* Another instance on the same path is refused while this one listens. */
	struct uhd_control *second = NULL;
	ret = uhd_control_open(spec, &second, error, sizeof(error));
	CHECK(ret == -EADDRINUSE && !second && strstr(error, "another process is listening"),
	      "a live socket must be refused: %d %s", ret, error);

	uhd_control_close(&control);
	CHECK(!control && lstat(path, &st) < 0 && errno == ENOENT,
	      "close must unlink the socket and clear the pointer");
}

static void test_socket_paths(const char *dir)
{
	char spec[600], path[512], error[512] = "";
	struct uhd_control *control = NULL;
	snprintf(path, sizeof(path), "%s/stale.sock", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);

	/* A stale socket: bound, never listened on, its owner gone. */
	int stale = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	memcpy(address.sun_path, path, strnlen(path, sizeof(address.sun_path) - 1));
	CHECK(bind(stale, (struct sockaddr *)&address, sizeof(address)) == 0, "bind stale");
	close(stale);
	int ret = uhd_control_open(spec, &control, error, sizeof(error));
	CHECK(ret == 0 && control, "a stale socket must be replaced: %d %s", ret, error);
	uhd_control_close(&control);

	/* A regular file at the path is refused and left alone. */
	snprintf(path, sizeof(path), "%s/file", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	FILE *file = fopen(path, "w");
	fputs("keep me", file);
	fclose(file);
	ret = uhd_control_open(spec, &control, error, sizeof(error));
	struct stat st;
	CHECK(ret == -EEXIST && !control && strstr(error, "is not a socket"),
	      "a regular file must be refused: %d %s", ret, error);
	CHECK(stat(path, &st) == 0 && st.st_size == 7, "the file must be left alone");
	unlink(path);

	/* A symbolic link is not followed. */
	snprintf(path, sizeof(path), "%s/link", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	CHECK(symlink("/nonexistent-target", path) == 0, "symlink");
	ret = uhd_control_open(spec, &control, error, sizeof(error));
	CHECK(ret == -EEXIST, "a symlink must be refused: %d %s", ret, error);
	unlink(path);

	/* Bad specs. */
	ret = uhd_control_open("tcp:1234", &control, error, sizeof(error));
	CHECK(ret == -EINVAL && strstr(error, "unix:PATH"), "bad spec: %d %s", ret, error);
	ret = uhd_control_open("unix:", &control, error, sizeof(error));
	CHECK(ret == -EINVAL, "empty path: %d %s", ret, error);
	char long_spec[300] = "unix:/tmp/";
	memset(long_spec + 10, 'a', 200);
	long_spec[210] = '\0';
	ret = uhd_control_open(long_spec, &control, error, sizeof(error));
	CHECK(ret == -ENAMETOOLONG && strstr(error, "too long"), "long path: %d %s", ret, error);
	ret = uhd_control_open("unix:/nonexistent-dir/x.sock", &control, error, sizeof(error));
	CHECK(ret == -ENOENT && strstr(error, "folder exists"), "missing folder: %d %s", ret,
	      error);
	uhd_control_close(&control);
	uhd_control_close(NULL);
}

int main(void)
{
	char dir[] = "/tmp/uhd-test-seqctl-XXXXXX";
	if (!mkdtemp(dir)) {
		fprintf(stderr, "cannot create a temporary folder in /tmp\n");
		return 1;
	}
	test_sequence_valid();
	test_sequence_defaults_and_rounding();
	test_sequence_errors();
	test_sequence_limits();
	test_sequence_load(dir);
	test_parse_line();
	test_socket_round_trip(dir);
	test_socket_paths(dir);
	rmdir(dir);
	return test_finish("test_sequence_control");
}
