#ifndef FRONTENDS_CLI_CLI_H
#define FRONTENDS_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>

#define VTLEMU_VERSION "0.1.0"
#define CLI_USAGE 64

int cli_run(int argc, char **argv);

/* "256M", "1G", "4096K", "268435456": bytes, or false when malformed or overflowing. */
bool cli_parse_size(const char *s, uint64_t *out);
/* A decimal count without sign or suffix. */
bool cli_parse_count(const char *s, uint64_t *out);
/* A bad command line: "vtlemu: " + fmt (one %s, given arg) + a hint, on stderr, as one
 * line. Returns CLI_USAGE, the exit status. */
int cli_usage_error(const char *fmt, const char *arg);

#endif
