#include "guest/vtl0/process.h"

#include "guest/lib/string.h"
#include "guest/lib/uart.h"
#include "guest/lib/vtlemu.h"
#include "guest/vtl0/abi.h"
#include "guest/vtl0/demo.h"
#include "guest/vtl0/elf.h"
#include "guest/vtl0/frames.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/paging.h"
#include "guest/vtl0/panic.h"
#include "guest/vtl0/syscall.h"

extern const uint8_t hello_elf[], hello_elf_end[], lsass_elf[], lsass_elf_end[];

const struct user_program user_hello = { "hello", hello_elf, hello_elf_end };
const struct user_program user_lsass = { "lsass", lsass_elf, lsass_elf_end };

static uint64_t heap_pages;
static const uint8_t *user_elf;     /* the program being loaded */

static bool in_heap(uint64_t va)
{
    return va >= USER_HEAP_BASE && va < USER_HEAP_BASE + USER_HEAP_SIZE;
}

/* Copies one PT_LOAD segment into fresh frames, page by page (the file bytes that fall
 * in each page; the rest stays zero, which is the bss), and maps them with the rights
 * its flags ask for. Copying goes through the direct map because the user mapping of
 * a text page is read-only, also for the kernel (CR0.WP). Segments must not share a
 * page (user.ld page-aligns them): paging_map would panic on the second. */
static void load_segment(const struct elf64_phdr *ph)
{
    uint64_t flags = PTE_U;
    if (ph->flags & PF_W)
        flags |= PTE_W;
    if (!(ph->flags & PF_X))
        flags |= PTE_NX;

    uint64_t first = ph->vaddr & ~(PAGE_SIZE - 1);
    for (uint64_t page = first; page < ph->vaddr + ph->memsz; page += PAGE_SIZE) {
        uint64_t frame = frame_alloc();
        /* Part of the file range [vaddr, vaddr + filesz) inside this page. */
        uint64_t lo = page > ph->vaddr ? page : ph->vaddr;
        uint64_t hi = page + PAGE_SIZE < ph->vaddr + ph->filesz ? page + PAGE_SIZE
                                                                : ph->vaddr + ph->filesz;
        if (lo < hi)
            memcpy((uint8_t *)phys_to_virt(frame) + (lo - page),
                   user_elf + ph->offset + (lo - ph->vaddr), hi - lo);
        paging_map(page, frame, flags);
    }
}

/* Returns the entry point. Everything is checked against the embedded file's size and
 * the user image window: a bad build should panic here, not corrupt kernel memory. */
static uint64_t load_user_elf(const struct user_program *prog)
{
    user_elf = prog->elf;
    uint64_t size = (uint64_t)(prog->elf_end - prog->elf);
    const struct elf64_ehdr *eh = (const void *)user_elf;

    if (size < sizeof *eh || eh->magic != ELF_MAGIC || eh->class != ELFCLASS64 ||
        eh->data != ELFDATA2LSB || eh->type != ET_EXEC || eh->machine != EM_X86_64 ||
        eh->phentsize != sizeof(struct elf64_phdr) ||
        eh->phoff > size || eh->phnum > (size - eh->phoff) / sizeof(struct elf64_phdr))
        panic("user program: not an x86-64 ELF executable");

    const uint64_t image_end = USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE; /* guard */
    const struct elf64_phdr *ph = (const void *)(user_elf + eh->phoff);
    for (unsigned i = 0; i < eh->phnum; i++, ph++) {
        if (ph->type != PT_LOAD || ph->memsz == 0)     /* ld emits empty ones */
            continue;
        if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset ||
            ph->vaddr < USER_IMAGE_BASE || ph->vaddr > image_end ||
            ph->memsz > image_end - ph->vaddr)
            panic("user program: segment %u at %016lx+%lx outside the image window",
                  i, ph->vaddr, ph->memsz);
        load_segment(ph);
        uart_printf("vtl0: user segment %016lx-%016lx r%c%c\n", ph->vaddr,
                    ph->vaddr + ph->memsz, ph->flags & PF_W ? 'w' : '-',
                    ph->flags & PF_X ? 'x' : '-');
    }
    uint64_t pte = paging_lookup(eh->entry);
    if (!(pte & PTE_U) || (pte & PTE_NX))
        panic("user program: entry %016lx is not in executable memory", eh->entry);
    return eh->entry;
}

void process_start(const struct user_program *prog)
{
    uart_printf("vtl0: loading user program \"%s\"\n", prog->name);
    uint64_t entry = load_user_elf(prog);

    for (uint64_t va = USER_STACK_TOP - USER_STACK_SIZE; va < USER_STACK_TOP; va += PAGE_SIZE)
        paging_map(va, frame_alloc(), PTE_U | PTE_W | PTE_NX);

    uart_printf("vtl0: user stack %016lx-%016lx, heap %016lx-%016lx (demand-zero)\n",
                USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, USER_HEAP_BASE,
                USER_HEAP_BASE + USER_HEAP_SIZE);
    uart_printf("vtl0: entering user mode at %016lx\n", entry);
    /* RSP 16-aligned at the entry point, as the SysV ABI has it for _start. */
    enter_user(entry, USER_STACK_TOP);
}

bool process_heap_fault(uint64_t cr2, uint64_t error_code)
{
    /* Only a not-present fault can be a first touch; a protection fault on a mapped
     * heap page, or an instruction fetch from the heap, is a real error. */
    if ((error_code & (PFERR_P | PFERR_I)) || !in_heap(cr2))
        return false;
    uint64_t page = cr2 & ~(PAGE_SIZE - 1);
    paging_map(page, frame_alloc(), PTE_U | PTE_W | PTE_NX);
    heap_pages++;
    return true;                /* iretq re-runs the faulting instruction */
}

bool process_user_readable(uint64_t va, uint64_t len)
{
    if (len == 0)
        return true;
    if (va >= USER_SPACE_END || len > USER_SPACE_END - va)
        return false;
    for (uint64_t page = va & ~(PAGE_SIZE - 1); page < va + len; page += PAGE_SIZE) {
        uint64_t pte = paging_lookup(page);
        if (!(pte & PTE_U) && !in_heap(page))
            return false;
    }
    return true;
}

void process_exit(uint64_t code)
{
    if (demo_active())
        demo_finish(code);
    uart_printf("vtl0: user exited with %ld (%lu heap pages demand-zeroed, %lu frames used)\n",
                (int64_t)code, heap_pages, frames_used());
    vtlemu_exit((uint8_t)code);
}
