-- Fluent Bit Lua filters: kdiag's NDJSON events and findings in the shapes of schema/README.md.
--   kdiag_ecs   Elastic Common Schema
--   kdiag_otel  the OpenTelemetry log data model (timestamp, severity_text, severity_number, body,
--               resource, attributes)
-- Use one of them after the parser (contrib/fluent-bit/kdiag.conf shows where):
--   [FILTER]
--       Name    lua
--       Match   kdiag
--       script  kdiag-shapes.lua
--       call    kdiag_ecs
-- Each returns 2 (record replaced, Fluent Bit's own timestamp kept).

local ecs_severity = { info = 1, notice = 2, warning = 3, error = 4, critical = 5 }
local otel_severity = { info = 9, notice = 10, warning = 13, error = 17, critical = 21 }

local function when(r)
  return r["timestamp"] or r["first_timestamp"]
end

function kdiag_ecs(tag, timestamp, r)
  local input = r["input"] or {}
  local out = {
    ["@timestamp"] = when(r),
    message = r["message"],
    log = { level = r["severity"], file = { path = input["name"] } },
    host = { name = r["host"] },
    rule = { id = r["rule"], ruleset = "kdiag", description = r["summary"] },
    event = {
      module = "kdiag",
      kind = (r["type"] == "finding") and "alert" or "event",
      dataset = "kdiag." .. tostring(r["type"] or "event"),
      severity = ecs_severity[r["severity"]] or 1,
      start = r["first_timestamp"],
      ["end"] = r["last_timestamp"],
    },
    kdiag = r,
  }
  if r["title"] or r["crash_type"] then
    out.error = { message = r["title"], type = r["crash_type"] }
    if type(r["frames"]) == "table" then out.error.stack_trace = table.concat(r["frames"], "\n") end
  end
  return 2, timestamp, out
end

function kdiag_otel(tag, timestamp, r)
  local input = r["input"] or {}
  local attributes = {
    ["log.file.path"] = input["name"],
    ["kdiag.type"] = r["type"],
    ["kdiag.rule"] = r["rule"],
    ["kdiag.summary"] = r["summary"],
    ["kdiag.advice"] = r["advice"],
    ["kdiag.count"] = r["count"],
    ["kdiag.boot"] = r["boot"],
    ["kdiag.boot_id"] = r["boot_id"],
    ["kdiag.time"] = r["time"],
    ["kdiag.input.line"] = input["line"],
    ["kdiag.provenance"] = r["provenance"],
    ["kdiag.source"] = r["source"],
    ["kdiag.crash.title"] = r["title"],
    ["kdiag.crash.type"] = r["crash_type"],
    ["kdiag.crash.frames"] = r["frames"],
    ["kdiag.fields"] = r["fields"],
  }
  local out = {
    timestamp = when(r),
    severity_text = r["severity"],
    severity_number = otel_severity[r["severity"]] or 9,
    body = r["message"],
    resource = { ["host.name"] = r["host"] },
    attributes = attributes,
  }
  return 2, timestamp, out
end
