/* Polled output on COM1 (16550-style): wait for LSR.THRE, then write THR. No interrupts,
 * no FIFO setup: vtlemu's UART is always ready, but a real 16550 is not, and polling is
 * what makes the same code correct on both. */
#ifndef GUEST_LIB_UART_H
#define GUEST_LIB_UART_H

#include <stddef.h>

void uart_putc(char c);
void uart_write(const char *s, size_t len);
void uart_puts(const char *s);          /* no newline added */
void uart_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
