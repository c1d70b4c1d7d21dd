/* Port I/O permission (SDM vol. 1 §19.5): at CPL > IOPL an IN/OUT/INS/OUTS runs only
 * if the TSS I/O bitmap clears every bit of the ports it touches. Unicorn 2.1.1 skips
 * this check entirely, so vtlemu makes it before such an instruction runs. */
#include "emu/machine_priv.h"

/* Port and width of the I/O instruction in `code`; false if it is not one. */
static bool decode_io(const uint8_t *code, size_t n, uint16_t dx, uint32_t *port, unsigned *size)
{
    bool opsize16 = false;
    size_t i = 0;
    for (; i < n; i++) {
        uint8_t b = code[i];
        if (b == 0x66)
            opsize16 = true;
        else if (b == 0x67 || b == 0xF2 || b == 0xF3 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x26 ||
                 b == 0x64 || b == 0x65 || (b >= 0x40 && b <= 0x4F))
            continue;
        else
            break;
    }
    if (i >= n)
        return false;
    uint8_t op = code[i];
    unsigned wide = opsize16 ? 2 : 4;
    switch (op) {
    case 0xE4: case 0xE6: *size = 1; break;
    case 0xE5: case 0xE7: *size = wide; break;
    case 0xEC: case 0xEE: case 0x6C: case 0x6E: *size = 1; break;
    case 0xED: case 0xEF: case 0x6D: case 0x6F: *size = wide; break;
    default: return false;
    }
    if (op >= 0xE4 && op <= 0xE7) {
        if (i + 1 >= n)
            return false;
        *port = code[i + 1];
    } else {
        *port = dx;
    }
    return true;
}

bool emu_io_allowed(vtl_machine *m, uint64_t rip)
{
    unsigned cpl = emu_cpl(m);
    unsigned iopl = (unsigned)(cpu_reg(m->cur->uc, UC_X86_REG_RFLAGS) >> 12) & 3;
    if (cpl <= iopl)
        return true;

    uint8_t code[15];
    gmem_fault f;
    size_t n = emu_read_code(m, rip, code, sizeof(code));
    uint32_t port;
    unsigned size;
    if (!decode_io(code, n, (uint16_t)cpu_reg(m->cur->uc, UC_X86_REG_DX), &port, &size))
        return false;

    uc_x86_mmr tr;
    uc_reg_read(m->cur->uc, UC_X86_REG_TR, &tr);
    if (tr.limit < 0x67)
        return false;
    uint16_t io_base;
    if (emu_gva_rw(m, tr.base + 0x66, &io_base, 2, false, 0, true, &f) != GMEM_OK)
        return false;
    /* The CPU reads two bitmap bytes, so both must lie within the TSS limit. */
    uint64_t at = (uint64_t)io_base + port / 8;
    if (at + 1 > tr.limit)
        return false;
    uint16_t bits;
    if (emu_gva_rw(m, tr.base + at, &bits, 2, false, 0, true, &f) != GMEM_OK)
        return false;
    uint16_t mask = (uint16_t)(((1u << size) - 1) << (port & 7));
    return (bits & mask) == 0;
}
