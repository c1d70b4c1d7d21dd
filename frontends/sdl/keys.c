#include "frontends/sdl/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; int key; } named[] = {
    { "space", ' ' },          { "up", DBG_KEY_UP },        { "down", DBG_KEY_DOWN },
    { "pgup", DBG_KEY_PGUP },  { "pgdn", DBG_KEY_PGDN },    { "home", DBG_KEY_HOME },
    { "end", DBG_KEY_END },    { "enter", DBG_KEY_ENTER },  { "esc", DBG_KEY_ESC },
    { "bs", DBG_KEY_BACKSPACE }, { "tab", DBG_KEY_TAB },
};

const char *dbg_key_name(int key, char buf[2])
{
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (named[i].key == key)
            return named[i].name;
    if (key > ' ' && key < 0x7f) {
        buf[0] = (char)key;
        buf[1] = 0;
        return buf;
    }
    return "?";
}

int dbg_parse_hex(const char *s, uint64_t *out)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    if (!*s || strlen(s) > 16)
        return 0;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (*s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return 0;
        v = v << 4 | d;
    }
    *out = v;
    return 1;
}

typedef struct input_list {
    dbg_input *v;
    size_t n, cap;
} input_list;

static ve_status push(input_list *l, dbg_input_kind kind, int key, uint64_t value)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        dbg_input *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return VE_E_NOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (dbg_input){ .kind = kind, .key = key, .value = value };
    return VE_OK;
}

static ve_status parse_token(input_list *l, const char *tok, char *err, size_t errlen)
{
    if (strlen(tok) == 1 && tok[0] > ' ' && tok[0] < 0x7f)
        return push(l, DBG_IN_KEY, tok[0], 0);
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (!strcmp(tok, named[i].name))
            return push(l, DBG_IN_KEY, named[i].key, 0);
    if (!strncmp(tok, "g:", 2) && tok[2]) {
        ve_status st = push(l, DBG_IN_KEY, 'g', 0);
        for (const char *c = tok + 2; *c && st == VE_OK; c++)
            st = push(l, DBG_IN_KEY, *c, 0);
        return st == VE_OK ? push(l, DBG_IN_KEY, DBG_KEY_ENTER, 0) : st;
    }
    uint64_t gpa;
    if (!strncmp(tok, "hover:", 6) && dbg_parse_hex(tok + 6, &gpa))
        return push(l, DBG_IN_HOVER, 0, gpa);
    snprintf(err, errlen, "bad key '%s' in --keys (one character, a key name, g:ADDR or hover:GPA)", tok);
    return VE_E_INVAL;
}

ve_status dbg_keys_parse(const char *s, dbg_input **out, size_t *count, char *err, size_t errlen)
{
    input_list l = { 0 };
    ve_status st = VE_OK;
    char tok[96];
    while (*s && st == VE_OK) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        size_t n = 0;
        while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '\n')
            n++;
        if (n == 0)
            break;
        if (n >= sizeof(tok)) {
            snprintf(err, errlen, "key token too long in --keys");
            st = VE_E_INVAL;
            break;
        }
        memcpy(tok, s, n);
        tok[n] = 0;
        s += n;
        st = parse_token(&l, tok, err, errlen);
    }
    if (st != VE_OK) {
        free(l.v);
        return st;
    }
    *out = l.v;
    *count = l.n;
    return VE_OK;
}
