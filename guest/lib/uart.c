#include "guest/lib/uart.h"

#include <stdarg.h>

#include "guest/lib/fmt.h"
#include "guest/lib/io.h"
#include "guest/lib/vtlemu.h"

void uart_putc(char c)
{
    while (!(inb(COM1_LSR) & COM1_LSR_THRE))
        ;
    outb(COM1_PORT, (uint8_t)c);
}

void uart_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        uart_putc(s[i]);
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

static void uart_sink(void *ctx, char c)
{
    (void)ctx;
    uart_putc(c);
}

void uart_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_vformat(uart_sink, NULL, fmt, ap);
    va_end(ap);
}
