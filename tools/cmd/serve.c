// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox serve - the module's accounting over HTTP for Prometheus.
 *
 * libmicrohttpd does the HTTP (parsing, limits, malformed requests get its
 * 400): we only answer GET /metrics.  It runs one internal thread that
 * serves connections in turn, so scrapes never run side by side: each
 * makes its own dumps, one at a time, and at most MAX_CONNS connections
 * wait.  The main thread waits for SIGTERM or SIGINT, then stops the
 * daemon (the scrape in progress finishes first) and exits 0.
 *
 * libmicrohttpd is opened with dlopen() when serve starts, not linked:
 * it brings GnuTLS and eight more libraries whose loading and
 * constructors cost every other nsbox command about 7 M instructions
 * (3x its start-up) for nothing.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "cmds.h"
#include "dlopen.h"
#include "err.h"
#include "kind.h"
#include "metrics.h"
#include "units.h"
#include "util.h"

#define DEFAULT_LISTEN "127.0.0.1:9847"
#define MAX_CONNS 16
#define CONN_TIMEOUT_S 30

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox serve [--listen ADDR:PORT] [--kind KIND]... [--skip-empty]\n"
		"\n"
		"Serve nsbox.ko's accounting to Prometheus over HTTP: GET /metrics makes\n"
		"one scrape, in OpenMetrics when the client asks for it (Accept), else\n"
		"in the text format 0.0.4.  If the module does not answer, /metrics\n"
		"answers 503 with the reason.  Runs until SIGTERM or SIGINT.\n"
		"\n"
		"  -l, --listen ADDR:PORT  where to listen (default %s; [::1]:PORT\n"
		"                          for IPv6; :PORT on every IPv4 interface,\n"
		"                          [::]:PORT on every IPv6 one)\n"
		"  -k, --kind KIND         only groups of this kind (repeatable): %s\n"
		"      --skip-empty        leave out groups with no task in them\n"
		"  -h, --help              this help\n", DEFAULT_LISTEN, nsbox_kind_list());
}

/* The libmicrohttpd functions serve uses, from dlopen(). */
static struct {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
} mhd;

/* tools/Makefile: the soname of the -dev package's libmicrohttpd.so, and
 * the package that has it; the note names it in the binary (dlopen.h) */
#define MHD_SONAME DL_SONAME_MHD
#define MHD_PACKAGE (DL_PACKAGE_MHD[0] ? DL_PACKAGE_MHD : "the package that has " MHD_SONAME)
NSBOX_DLOPEN_NOTE(mhd_note, "http", "nsbox serve: the accounting over HTTP", "recommended",
		  MHD_SONAME);

static int mhd_open(void)
{
	void *h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!h) {
		nsbox_err("serve: cannot load %s (%s); install it: sudo apt install %s",
			  MHD_SONAME, dlerror(), MHD_PACKAGE);
		return NSBOX_EXIT_FAIL;
	}
#define SYM(f) do { \
		*(void **)&mhd.f = dlsym(h, "MHD_" #f); \
		if (!mhd.f && !missing) \
			missing = "MHD_" #f; \
	} while (0)
	SYM(start_daemon);
	SYM(stop_daemon);
	SYM(create_response_from_buffer);
	SYM(add_response_header);
	SYM(queue_response);
	SYM(destroy_response);
	SYM(lookup_connection_value);
#undef SYM
	if (missing) {
		nsbox_err("serve: %s has no %s: too old a libmicrohttpd", MHD_SONAME, missing);
		return NSBOX_EXIT_FAIL;
	}
	return 0;	/* h stays open until exit */
}

struct serve_ctx {
	struct nsbox_metrics_opts opts;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *type, void *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = mhd.queue_response(conn, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned int status,
				  const char *text)
{
	return reply(conn, status, "text/plain; charset=utf-8", (void *)text, strlen(text),
		     MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version,
			      const char *upload, size_t *upload_len, void **state)
{
	struct serve_ctx *ctx = cls;
	struct nsbox_metrics_opts o = ctx->opts;
	const char *accept;
	char why[512], msg[600];
	char *text;
	size_t len;
	int ret;

	(void)version;
	(void)upload;
	/* the first call only announces the request: answer on the second */
	if (!*state) {
		*state = ctx;
		return MHD_YES;
	}
	if (*upload_len)
		return reply_text(conn, MHD_HTTP_BAD_REQUEST, "nsbox: no request body expected\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "nsbox: only GET\n");
	if (!strcmp(url, "/"))
		return reply_text(conn, MHD_HTTP_OK,
				  "nsbox exporter: the metrics are at /metrics\n");
	if (strcmp(url, "/metrics"))
		return reply_text(conn, MHD_HTTP_NOT_FOUND, "nsbox: not found; try /metrics\n");

	accept = mhd.lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	o.format = accept && strstr(accept, "application/openmetrics-text") ?
		   NSBOX_METRICS_OPENMETRICS : NSBOX_METRICS_PROMETHEUS;
	ret = nsbox_metrics_scrape(&o, &text, &len, why, sizeof(why));
	if (ret) {
		free(text);
		snprintf(msg, sizeof(msg), "nsbox: scrape failed: %s\n", why);
		fputs(msg, stderr);
		return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE, msg);
	}
	return reply(conn, MHD_HTTP_OK, nsbox_metrics_content_type(o.format), text, len,
		     MHD_RESPMEM_MUST_FREE);
}

/* libmicrohttpd's own messages, in our style */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("nsbox: serve: libmicrohttpd: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every interface) into @ss. */
static int parse_listen(const char *arg, struct sockaddr_storage *ss, socklen_t *sslen)
{
	_cleanup_free_ char *s = strdup(arg);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	char *host, *port;

	if (!s)
		return -ENOMEM;
	port = strrchr(s, ':');
	if (!port || !port[1])
		return -EINVAL;
	*port++ = '\0';
	host = s;
	if (host[0] == '[') {
		size_t n = strlen(host);

		if (n < 2 || host[n - 1] != ']')
			return -EINVAL;
		host[n - 1] = '\0';
		host++;
	}
	if (strspn(port, "0123456789") != strlen(port) || atoi(port) < 1 || atoi(port) > 65535)
		return -EINVAL;
	if (!host[0])
		hints.ai_family = AF_INET;	/* ":PORT": every IPv4 interface */
	if (getaddrinfo(host[0] ? host : NULL, port, &hints, &ai) || !ai)
		return -EINVAL;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "kind", required_argument, NULL, 'k' },
		{ "skip-empty", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct serve_ctx ctx = { .opts = { .format = NSBOX_METRICS_PROMETHEUS,
					   .max_age_ms = NSBOX_DEFAULT_MAX_AGE_MS } };
	const char *listen = DEFAULT_LISTEN;
	struct sockaddr_storage ss = { 0 };
	struct MHD_Daemon *d;
	socklen_t sslen = 0;
	unsigned int flags;
	sigset_t set;
	int c, sig;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "l:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 'k':
			if (nsbox_metrics_kind_opt("serve", optarg, &ctx.opts))
				return NSBOX_EXIT_USAGE;
			break;
		case 'E': ctx.opts.skip_empty = true; break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("serve", "unknown option or missing value '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return nsbox_usage_err("serve", "unexpected argument '%s'", argv[optind]);
	if (parse_listen(listen, &ss, &sslen))
		return nsbox_usage_err("serve", "'%s' is not ADDR:PORT (e.g. 127.0.0.1:9847, [::1]:9847, :9847)",
				       listen);

	if (mhd_open())
		return NSBOX_EXIT_FAIL;
	/* blocked before the daemon's thread starts: it inherits the mask,
	 * and only sigwait() below takes these signals */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = mhd.start_daemon(flags, 0, NULL, NULL, handle, &ctx,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT_S,
			     MHD_OPTION_END);
	if (!d) {
		nsbox_err("serve: cannot listen on %s (is the port in use? see the message above)", listen);
		return NSBOX_EXIT_FAIL;
	}
	fprintf(stderr, "nsbox: serving metrics on http://%s/metrics\n", listen);
	do {
		if (sigwait(&set, &sig))
			sig = SIGTERM;
	} while (sig == SIGHUP);
	fprintf(stderr, "nsbox: serve: %s, stopping\n", strsignal(sig));
	mhd.stop_daemon(d);
	return NSBOX_EXIT_OK;
}
