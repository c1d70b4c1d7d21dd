/* Port I/O devices of every VTL (DESIGN.md §4): the COM1 UART transmitter and the
 * debug-exit port. Unicorn's IN/OUT hooks see a stale RIP (the block start), so events
 * locate their instruction by counting I/O instructions within the current block. */
#include <string.h>

#include "emu/machine_priv.h"

#define COM1_THR  0x3F8
#define COM1_LSR  0x3FD
#define LSR_THRE_TEMT 0x60
#define DEBUG_EXIT 0xF4

/* Where, in instructions and RIP, the I/O instruction running now is. */
static void locate_io(vtl_machine *m, uint64_t *icount_after, uint64_t *rip)
{
    uint64_t idx = 0;
    uint64_t at = emu_block_io_insn(m, m->blk_io_seq, &idx);
    m->blk_io_seq++;
    if (at) {
        *rip = at;
        *icount_after = m->blk_base + idx + 1;
    } else {
        *rip = m->blk->pc;
        *icount_after = m->icount;
    }
}

void emu_console_flush(vtl_machine *m)
{
    if (!m->con_len)
        return;
    emu_event ev = { .kind = EV_CONSOLE, .icount = m->con_icount, .vtl = m->con_vtl, .cpl = m->con_cpl,
                     .rip = m->con_rip, .text = m->con, .text_len = m->con_len };
    emu_emit(m, &ev);
    m->con_len = 0;
}

static void uart_tx(vtl_machine *m, uint8_t byte)
{
    uint64_t icount, rip;
    locate_io(m, &icount, &rip);
    if (m->con_len && m->con_vtl != m->cur->vtl)
        emu_console_flush(m);   /* a line belongs to one VTL */
    if (m->on_console)
        m->on_console(m->cur->vtl, (const char *)&byte, 1, m->on_console_ctx);
    emu_console_append(m, m->cur->vtl, (char)byte);
    /* A console event covers one line and carries the point where it was completed:
     * its last byte (a newline, a full buffer, or the byte before another event). */
    m->con_icount = icount;
    m->con_rip = rip;
    m->con_cpl = emu_cpl(m);
    m->con_vtl = m->cur->vtl;
    m->con[m->con_len++] = (char)byte;
    if (byte == '\n' || m->con_len == sizeof(m->con))
        emu_console_flush(m);
}

static void hook_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *ud)
{
    vtl_machine *m = ud;
    if (m->stop == STOP_EXIT)
        return;
    if (port == COM1_THR) {
        uart_tx(m, (uint8_t)value);
    } else if (port == DEBUG_EXIT) {
        uint64_t icount, rip;
        locate_io(m, &icount, &rip);
        emu_console_flush(m);
        m->icount = icount;
        m->exit_rip = rip;
        m->exit_rip_known = true;
        emu_stop_exit(m, (int)(value & 0x3F), EXIT_GUEST, NULL);
        uc_emu_stop(uc);
    } else if (port >= DMA0_PORT && port < DMA0_PORT + DMA0_PORTS) {
        uint64_t icount, rip;
        locate_io(m, &icount, &rip);
        emu_dma_port_write(m, port, size, value, icount, rip);
    } else {
        uint64_t icount, rip;
        locate_io(m, &icount, &rip);  /* keep the I/O sequence in step */
    }
}

static uint32_t hook_in(uc_engine *uc, uint32_t port, int size, void *ud)
{
    vtl_machine *m = ud;
    (void)uc;
    uint64_t icount, rip;
    locate_io(m, &icount, &rip);
    if (port == COM1_LSR)
        return LSR_THRE_TEMT;
    if (port >= DMA0_PORT && port < DMA0_PORT + DMA0_PORTS)
        return emu_dma_port_read(m, port, size, icount, rip);
    /* Nothing else is attached: an open bus reads all ones. */
    return 0xFFFFFFFFu;
}

void emu_port_hooks(vtl_machine *m, uc_engine *uc)
{
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)hook_out, m, 1, 0, UC_X86_INS_OUT);
    uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)hook_in, m, 1, 0, UC_X86_INS_IN);
}
