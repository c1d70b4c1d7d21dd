/* Debugger keys, as the model sees them (no SDL), and the --keys replay syntax. */
#ifndef FRONTENDS_SDL_KEYS_H
#define FRONTENDS_SDL_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/* Printable ASCII keys are their own code; the others follow. */
enum {
    DBG_KEY_UP = 256,
    DBG_KEY_DOWN,
    DBG_KEY_PGUP,
    DBG_KEY_PGDN,
    DBG_KEY_HOME,
    DBG_KEY_END,
    DBG_KEY_ENTER,
    DBG_KEY_ESC,
    DBG_KEY_BACKSPACE,
    DBG_KEY_TAB,
};

typedef enum dbg_input_kind {
    DBG_IN_KEY,     /* key: a key code */
    DBG_IN_HOVER,   /* value: the GPA under the mouse in the memory map */
} dbg_input_kind;

typedef struct dbg_input {
    dbg_input_kind kind;
    int key;
    uint64_t value;
} dbg_input;

/* Parses a replay string: tokens separated by blanks. A token is one
 * printable character ("s", "?", "["), a key name (space up down pgup pgdn home end
 * enter esc bs tab), "g:TEXT" (g, the characters of TEXT, enter: go to an address) or
 * "hover:ADDR" (the mouse over GPA ADDR in the memory map). *out is malloc'ed. */
ve_status dbg_keys_parse(const char *s, dbg_input **out, size_t *count, char *err, size_t errlen);

/* "s", "space", "up": the replay name of a key. */
const char *dbg_key_name(int key, char buf[2]);

/* A hex address, with or without 0x; false when malformed or empty. */
int dbg_parse_hex(const char *s, uint64_t *out);

#endif
