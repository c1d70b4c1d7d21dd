# The MIPS benchmark (docs/performance.md). Included by the top-level Makefile after
# B, LIBS_ALL and the pattern rule for $(B)/%.o are defined; `make bench` runs it.
# The bench objects compile with UC_CFLAGS through that pattern rule (bench/%).

BENCH_SRC    := $(wildcard bench/*.c)
BENCH_OBJ    := $(patsubst %.c,$(B)/%.o,$(BENCH_SRC))
# Guest loops: bench/guests/<name>.asm -> $(B)/bench/guests/<name>.elf. frame.asm is the
# shared scaffolding they include, not a guest of its own.
BENCH_GUESTS := alu store pages tight rt_vtl0 rt_vtl1
BENCH_ELF    := $(patsubst %,$(B)/bench/guests/%.elf,$(BENCH_GUESTS))
BENCH_AS     ?= nasm

# bench_mips finds its guests in guests/ next to itself.
$(B)/bench/bench_mips: $(BENCH_OBJ) $(LIBS_ALL) | $(BENCH_ELF)
	$(CC) $(LDFLAGS) -o $@ $(BENCH_OBJ) $(LIBS_ALL) $(UC_LIBS) $(CS_LIBS) -lm

$(B)/bench/guests/%.elf: bench/guests/%.asm bench/guests/frame.asm
	@mkdir -p $(dir $@)
	$(BENCH_AS) -f bin -w+all -Werror -I bench/guests/ -o $@ $<

bench: $(BENCH_ELF)
