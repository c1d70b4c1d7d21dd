# vtlemu build. `make` (release), `make MODE=dbg`, `make MODE=asan`. Objects go under
# build/$(MODE)/; the release binary is also build/vtlemu.
MODE ?= release
CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
B := build/$(MODE)

# Unicorn 2.1.1 unpacked by `make deps` when the system has no recent enough one.
export PKG_CONFIG_PATH := $(CURDIR)/build/deps/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
# (GNU make 4.3 does not pass exported variables to $(shell): name it inline.)
UC_CFLAGS = $(shell PKG_CONFIG_PATH=$(PKG_CONFIG_PATH) pkg-config --cflags unicorn 2>/dev/null)
UC_LIBS   = $(shell PKG_CONFIG_PATH=$(PKG_CONFIG_PATH) pkg-config --libs unicorn 2>/dev/null)
CS_CFLAGS = $(shell pkg-config --cflags capstone 2>/dev/null)
CS_LIBS   = $(shell pkg-config --libs capstone 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
SDL_CFLAGS  = $(shell pkg-config --cflags sdl2 SDL2_ttf 2>/dev/null)
SDL_LIBS    = $(shell pkg-config --libs sdl2 SDL2_ttf 2>/dev/null)
LUA_CFLAGS  = $(shell pkg-config --cflags lua5.4 2>/dev/null)
LUA_LIBS    = $(shell pkg-config --libs lua5.4 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_release := -O2 -g
CFLAGS_dbg     := -O0 -g3 -DVE_DEBUG
CFLAGS_asan    := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DVE_DEBUG
LDFLAGS_asan   := -fsanitize=address,undefined
CFLAGS  := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS_$(MODE)) -I. -MMD -MP
LDFLAGS := $(LDFLAGS_$(MODE))

ifeq ($(filter $(MODE),release dbg asan),)
$(error MODE must be release, dbg or asan)
endif

# Modules, bottom-up. Each is a static library; its unit tests link it and what is below.
MODULES := common mmu slat iommu vtl emu sdl
common_SRC := $(wildcard common/*.c)
mmu_SRC    := $(wildcard mmu/*.c)
slat_SRC   := $(wildcard slat/*.c)
iommu_SRC  := $(wildcard iommu/*.c)
vtl_SRC    := $(wildcard vtl/*.c)
emu_SRC    := $(wildcard emu/*.c emu/devices/*.c)
cli_SRC    := $(wildcard frontends/cli/*.c)
lua_SRC    := $(wildcard frontends/lua/*.c)
# The debugger: its model (no SDL, unit-tested alone) and its view.
sdl_SRC    := $(addprefix frontends/sdl/,model.c listing.c run.c pagemap.c dump.c keys.c layout.c png.c)
sdlview_SRC := $(filter-out $(sdl_SRC),$(wildcard frontends/sdl/*.c))

common_DEPS :=
mmu_DEPS    := common
slat_DEPS   := common
iommu_DEPS  := common
vtl_DEPS    := common
emu_DEPS    := vtl mmu slat iommu common
sdl_DEPS    := common

lib = $(B)/lib$(1).a
objs = $(patsubst %.c,$(B)/%.o,$($(1)_SRC))

.PHONY: all deps demo test unit scenarios bench check-deps guests clean distclean
all: $(B)/vtlemu guests $(if $(filter release,$(MODE)),build/vtlemu)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(if $(filter emu/% frontends/% tests/unit/emu/% bench/%,$<),$(UC_CFLAGS) $(CS_CFLAGS)) $(if $(filter frontends/lua/%,$<),$(LUA_CFLAGS)) $(if $(filter frontends/sdl/%,$<),$(SDL_CFLAGS)) -c $< -o $@

define MODULE_RULES
$(call lib,$(1)): $(call objs,$(1))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call MODULE_RULES,$(m))))

LIBS_ALL := $(foreach m,emu vtl mmu slat iommu common,$(call lib,$(m)))
$(B)/vtlemu: $(call objs,cli) $(call objs,lua) $(call objs,sdlview) $(call lib,sdl) $(LIBS_ALL)
	$(CC) $(LDFLAGS) -o $@ $^ $(UC_LIBS) $(CS_LIBS) $(LUA_LIBS) $(SDL_LIBS) -lm
build/vtlemu: $(B)/vtlemu
	cp $< $@

# --- guests -------------------------------------------------------------------------
-include guest/guest.mk
-include tests/guests/guests.mk
-include bench/bench.mk

# --- unit tests: tests/unit/<module>/test_*.c, one binary per file ------------------
UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRC))
mod_of = $(word 3,$(subst /, ,$(1)))
define UNIT_RULE
$(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(1)): $(patsubst %.c,$(B)/%.o,$(1)) $(call lib,$(call mod_of,$(1))) $(foreach d,$($(call mod_of,$(1))_DEPS),$(call lib,$(d)))
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $(CMOCKA_LIBS) $(if $(filter emu,$(call mod_of,$(1))),$$(UC_LIBS) $$(CS_LIBS)) -lm
endef
$(foreach t,$(UNIT_SRC),$(eval $(call UNIT_RULE,$(t))))

unit: $(UNIT_BIN)

test: deps all unit test-guests
	@bash tests/run_tests.sh $(B) $(UNIT_BIN)

# Unicorn and Capstone (for scenario tests' own checks) must be found before building.
deps:
	@bash scripts/deps.sh

# The two-VTL demo: the secure kernel boots first, VTL0 runs lsass and the attacker.
demo: deps all
	build/vtlemu run --vtl1 guest/build/sk.elf guest/build/vtl0.elf

check-deps:
	@bash scripts/check_deps.sh

bench: deps all $(B)/bench/bench_mips
	$(B)/bench/bench_mips

clean:
	rm -rf build/release build/dbg build/asan build/vtlemu guest/build

distclean: clean
	rm -rf build

-include $(shell find build/$(MODE) -name '*.d' 2>/dev/null)
