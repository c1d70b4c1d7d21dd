-- Shared by the scenario scripts (this folder holds no tests of its own, so the runner
-- skips it): the console as `vtlemu run` prints it on stdout, rebuilt from a machine's
-- console events: every byte in the order the VTLs wrote it; with a secure kernel
-- (tagged) each line starts with its VTL's tag, and a line the other VTL interrupts is
-- ended first.
local M = {}

function M.stdout(m, tagged)
  local out, line_vtl = {}, -1
  for ev in m:events("console") do
    if not tagged then
      out[#out + 1] = ev.text
    else
      for c in ev.text:gmatch(".") do
        if line_vtl ~= ev.vtl then
          if line_vtl >= 0 then out[#out + 1] = "\n" end
          out[#out + 1] = string.format("[VTL%d] ", ev.vtl)
          line_vtl = ev.vtl
        end
        out[#out + 1] = c
        if c == "\n" then line_vtl = -1 end
      end
    end
  end
  return table.concat(out)
end

return M
