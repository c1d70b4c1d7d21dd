/* Guest instruction bytes and their decoding, for the emulator's own questions about an
 * instruction (its length, its memory operands, its port). */
#include "common/bits.h"
#include "emu/machine_priv.h"

size_t emu_read_code(vtl_machine *m, uint64_t gva, uint8_t *buf, size_t len)
{
    /* As the running VTL fetches them, at its CPL (no A/D side effects); stops at the
     * first page that cannot be read. */
    gmem_fault f;
    size_t got = 0;
    unsigned cpl = emu_cpl(m);
    while (got < len) {
        size_t chunk = PAGE_SIZE - ((gva + got) & (PAGE_SIZE - 1));
        if (chunk > len - got)
            chunk = len - got;
        if (emu_gva_rw(m, gva + got, buf + got, chunk, false, cpl, false, &f) != GMEM_OK)
            break;
        got += chunk;
    }
    return got;
}

cs_insn *emu_decode_at(vtl_machine *m, uint64_t rip)
{
    uint8_t code[15];
    size_t n = emu_read_code(m, rip, code, sizeof(code));
    cs_insn *insn = NULL;
    if (n == 0 || cs_disasm(m->cs_detail, code, n, rip, 1, &insn) != 1)
        return NULL;
    return insn;
}
