#include "emu/events.h"

#include <inttypes.h>

#include "common/bits.h"

static const char *const kind_names[EV_KIND_COUNT] = {
    [EV_BOOT] = "boot",
    [EV_CONSOLE] = "console",
    [EV_VTL_ENABLE] = "vtl_enable",
    [EV_VTL_CALL] = "vtl_call",
    [EV_VTL_RETURN] = "vtl_return",
    [EV_HYPERCALL] = "hypercall",
    [EV_SLAT_CHANGE] = "slat_change",
    [EV_SLAT_VIOLATION] = "slat_violation",
    [EV_INTERCEPT] = "intercept",
    [EV_COW_SHARE] = "cow_share",
    [EV_COW_BREAK] = "cow_break",
    [EV_DMA] = "dma",
    [EV_IOMMU_FAULT] = "iommu_fault",
    [EV_DEVICE_DENIED] = "device_denied",
    [EV_EXCEPTION] = "exception",
    [EV_SYSCALL] = "syscall",
    [EV_EXIT] = "exit",
};

const char *emu_event_kind_name(emu_event_kind k)
{
    return (unsigned)k < EV_KIND_COUNT ? kind_names[k] : "unknown";
}

const char *emu_exit_reason_name(emu_exit_reason r)
{
    switch (r) {
    case EXIT_GUEST:        return "guest";
    case EXIT_BUDGET:       return "budget";
    case EXIT_TRIPLE_FAULT: return "triple_fault";
    case EXIT_HALT:         return "halt";
    case EXIT_VIOLATION:    return "violation";
    case EXIT_INTERNAL:     return "internal";
    }
    return "unknown";
}

const char *emu_access_name(emu_access a)
{
    switch (a) {
    case ACC_READ:    return "read";
    case ACC_WRITE:   return "write";
    case ACC_EXECUTE: return "execute";
    }
    return "unknown";
}

static void rights_str(unsigned r, char out[5])
{
    out[0] = (r & 1) ? 'R' : '-';
    out[1] = (r & 2) ? 'W' : '-';
    out[2] = (r & 4) ? 'K' : '-';
    out[3] = (r & 8) ? 'U' : '-';
    out[4] = 0;
}

static void json_string(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':  fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            /* Guest bytes are not UTF-8 by contract: escape everything outside ASCII. */
            if (c < 0x20 || c >= 0x7f)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

static void requester_str(uint16_t rid, char out[8])
{
    snprintf(out, 8, "%02x:%02x.%x", (rid >> 8) & 0xFF, (rid >> 3) & 0x1F, rid & 7);
}

static size_t cstrlen(const char *s)
{
    size_t n = 0;
    while (s && s[n])
        n++;
    return n;
}

void emu_event_write_json(const emu_event *ev, FILE *out)
{
    fprintf(out, "{\"kind\":\"%s\",\"icount\":%" PRIu64 ",\"vtl\":%u,\"cpl\":%u,\"rip\":\"0x%" PRIx64 "\"",
            emu_event_kind_name(ev->kind), ev->icount, ev->vtl, ev->cpl, ev->rip);
    char r[5];
    switch (ev->kind) {
    case EV_BOOT:
        fputs(",\"image\":", out);
        json_string(out, ev->text, cstrlen(ev->text));
        fprintf(out, ",\"entry\":\"0x%" PRIx64 "\"", ev->entry);
        break;
    case EV_CONSOLE:
        fputs(",\"text\":", out);
        json_string(out, ev->text, ev->text_len);
        break;
    case EV_EXCEPTION:
        fprintf(out, ",\"vector\":%u", ev->vector);
        if (ev->has_error_code)
            fprintf(out, ",\"error_code\":%" PRIu32, ev->error_code);
        if (ev->has_gva)
            fprintf(out, ",\"gva\":\"0x%" PRIx64 "\"", ev->gva);
        break;
    case EV_SYSCALL:
        fprintf(out, ",\"nr\":%" PRIu64, ev->nr);
        break;
    case EV_SLAT_VIOLATION:
        rights_str(ev->rights, r);
        fprintf(out, ",\"gva\":\"0x%" PRIx64 "\",\"gpa\":\"0x%" PRIx64 "\",\"access\":\"%s\",\"rights\":\"%s\"",
                ev->gva, ev->gpa, emu_access_name(ev->access), r);
        break;
    case EV_INTERCEPT:
        fprintf(out, ",\"from_vtl\":%u,\"to_vtl\":%u,\"gva\":\"0x%" PRIx64 "\",\"gpa\":\"0x%" PRIx64
                     "\",\"access\":\"%s\"",
                ev->from_vtl, ev->to_vtl, ev->gva, ev->gpa, emu_access_name(ev->access));
        break;
    case EV_VTL_ENABLE:
        fprintf(out, ",\"target_vtl\":%u", ev->target_vtl);
        break;
    case EV_VTL_CALL:
    case EV_VTL_RETURN:
        fprintf(out, ",\"from_vtl\":%u,\"to_vtl\":%u", ev->from_vtl, ev->to_vtl);
        break;
    case EV_HYPERCALL:
        fprintf(out, ",\"code\":%u,\"name\":\"%s\",\"status\":%u", ev->hc_code, ev->name ? ev->name : "unknown",
                ev->hc_status);
        break;
    case EV_SLAT_CHANGE: {
        char r2[5];
        rights_str(ev->rights_before, r);
        rights_str(ev->rights_after, r2);
        fprintf(out, ",\"target_vtl\":%u,\"gpa\":\"0x%" PRIx64 "\",\"pages\":%" PRIu64
                     ",\"rights_before\":\"%s\",\"rights_after\":\"%s\",\"source\":\"%s\"",
                ev->target_vtl, ev->gpa, ev->pages, r, r2, ev->source ? ev->source : "hypercall");
        break;
    }
    case EV_COW_SHARE:
        fprintf(out, ",\"target_vtl\":%u,\"gpa\":\"0x%" PRIx64 "\",\"spa\":\"0x%" PRIx64 "\"", ev->target_vtl,
                ev->gpa, ev->spa);
        break;
    case EV_COW_BREAK:
        fprintf(out, ",\"gpa\":\"0x%" PRIx64 "\",\"spa\":\"0x%" PRIx64 "\",\"new_spa\":\"0x%" PRIx64 "\"",
                ev->gpa, ev->spa, ev->new_spa);
        break;
    case EV_DMA: {
        char rq[8];
        requester_str(ev->requester, rq);
        fprintf(out, ",\"requester\":\"%s\",\"device_vtl\":%u,\"iova\":\"0x%" PRIx64 "\",\"dst_iova\":\"0x%" PRIx64 "\"",
                rq, ev->device_vtl, ev->iova, ev->dst_iova);
        if (!ev->no_gpa)
            fprintf(out, ",\"gpa\":\"0x%" PRIx64 "\"", ev->gpa);
        fprintf(out, ",\"length\":%" PRIu64 ",\"status\":%u,\"copied\":%" PRIu64, ev->length, ev->dma_status,
                ev->copied);
        break;
    }
    case EV_IOMMU_FAULT: {
        char rq[8];
        requester_str(ev->requester, rq);
        fprintf(out, ",\"requester\":\"%s\",\"device_vtl\":%u,\"iova\":\"0x%" PRIx64 "\"", rq, ev->device_vtl,
                ev->iova);
        if (!ev->no_gpa)
            fprintf(out, ",\"gpa\":\"0x%" PRIx64 "\"", ev->gpa);
        fprintf(out, ",\"access\":\"%s\",\"reason\":\"%s\"", emu_access_name(ev->access),
                ev->fault_reason ? ev->fault_reason : "unknown");
        break;
    }
    case EV_DEVICE_DENIED: {
        char rq[8];
        requester_str(ev->requester, rq);
        fprintf(out, ",\"requester\":\"%s\",\"device_vtl\":%u,\"port\":\"0x%x\",\"access\":\"%s\"", rq,
                ev->device_vtl, ev->port, emu_access_name(ev->access));
        break;
    }
    case EV_EXIT:
        fprintf(out, ",\"code\":%d,\"reason\":\"%s\"", ev->code, emu_exit_reason_name(ev->reason));
        if (ev->message) {
            fputs(",\"message\":", out);
            json_string(out, ev->message, cstrlen(ev->message));
        }
        break;
    case EV_KIND_COUNT:
        break;
    }
    fputc('}', out);
}

static const char *vector_name(unsigned v)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP",
        "#SS", "#GP", "#PF", "?", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    };
    if (v < 32 && names[v])
        return names[v];
    return "int";
}

void emu_event_write_text(const emu_event *ev, FILE *out)
{
    fprintf(out, "[%10" PRIu64 "] VTL%u CPL%u %016" PRIx64 "  %-14s", ev->icount, ev->vtl, ev->cpl, ev->rip,
            emu_event_kind_name(ev->kind));
    char r[5];
    switch (ev->kind) {
    case EV_BOOT:
        fprintf(out, " %s entry=0x%" PRIx64, ev->text, ev->entry);
        break;
    case EV_CONSOLE:
        fprintf(out, " %zu bytes", ev->text_len);
        break;
    case EV_EXCEPTION:
        fprintf(out, " vector=%u %s", ev->vector, vector_name(ev->vector));
        if (ev->has_error_code)
            fprintf(out, " error_code=0x%" PRIx32, ev->error_code);
        if (ev->has_gva)
            fprintf(out, " cr2=0x%" PRIx64, ev->gva);
        break;
    case EV_SYSCALL:
        fprintf(out, " nr=%" PRIu64, ev->nr);
        break;
    case EV_SLAT_VIOLATION:
        rights_str(ev->rights, r);
        fprintf(out, " %s gva=0x%" PRIx64 " gpa=0x%" PRIx64 " rights=%s", emu_access_name(ev->access), ev->gva,
                ev->gpa, r);
        break;
    case EV_INTERCEPT:
        fprintf(out, " VTL%u -> VTL%u %s gva=0x%" PRIx64 " gpa=0x%" PRIx64, ev->from_vtl, ev->to_vtl,
                emu_access_name(ev->access), ev->gva, ev->gpa);
        break;
    case EV_VTL_ENABLE:
        fprintf(out, " VTL%u enabled", ev->target_vtl);
        break;
    case EV_VTL_CALL:
    case EV_VTL_RETURN:
        fprintf(out, " VTL%u -> VTL%u", ev->from_vtl, ev->to_vtl);
        break;
    case EV_HYPERCALL:
        fprintf(out, " %s (0x%x) status=0x%x", ev->name ? ev->name : "unknown", ev->hc_code, ev->hc_status);
        break;
    case EV_SLAT_CHANGE: {
        char r2[5];
        rights_str(ev->rights_before, r);
        rights_str(ev->rights_after, r2);
        fprintf(out, " VTL%u gpa=0x%" PRIx64 " pages=%" PRIu64 " %s -> %s (%s)", ev->target_vtl, ev->gpa, ev->pages, r,
                r2, ev->source ? ev->source : "hypercall");
        break;
    }
    case EV_COW_SHARE:
        fprintf(out, " VTL%u gpa=0x%" PRIx64 " spa=0x%" PRIx64, ev->target_vtl, ev->gpa, ev->spa);
        break;
    case EV_COW_BREAK:
        fprintf(out, " gpa=0x%" PRIx64 " spa=0x%" PRIx64 " -> 0x%" PRIx64, ev->gpa, ev->spa, ev->new_spa);
        break;
    case EV_DMA: {
        char rq[8];
        requester_str(ev->requester, rq);
        fprintf(out, " %s (VTL%u) 0x%" PRIx64 " -> 0x%" PRIx64 " len=%" PRIu64 " status=%u copied=%" PRIu64, rq,
                ev->device_vtl, ev->iova, ev->dst_iova, ev->length, ev->dma_status, ev->copied);
        break;
    }
    case EV_IOMMU_FAULT: {
        char rq[8];
        requester_str(ev->requester, rq);
        fprintf(out, " %s (VTL%u) %s iova=0x%" PRIx64, rq, ev->device_vtl, emu_access_name(ev->access), ev->iova);
        if (!ev->no_gpa)
            fprintf(out, " gpa=0x%" PRIx64, ev->gpa);
        fprintf(out, " %s", ev->fault_reason ? ev->fault_reason : "unknown");
        break;
    }
    case EV_DEVICE_DENIED: {
        char rq[8];
        requester_str(ev->requester, rq);
        fprintf(out, " %s belongs to VTL%u: %s of port 0x%x refused", rq, ev->device_vtl, emu_access_name(ev->access),
                ev->port);
        break;
    }
    case EV_EXIT:
        fprintf(out, " code=%d reason=%s", ev->code, emu_exit_reason_name(ev->reason));
        if (ev->message)
            fprintf(out, " (%s)", ev->message);
        break;
    case EV_KIND_COUNT:
        break;
    }
    fputc('\n', out);
}
