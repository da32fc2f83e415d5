-- mod_rig_altconnect: XEP-0156 (Discovering Alternative XMPP Connection Methods) for the test rig.
--
-- Serves /.well-known/host-meta (XRD, XML) and /.well-known/host-meta.json (JRD, JSON) listing
-- this host's WebSocket and BOSH endpoints, built like the modules build their own URLs:
-- `http_external_url` plus `http_paths`. Debian's prosody-modules (0.0~hg20230223) does not ship
-- mod_http_altconnect, so the rig brings this small equivalent (loaded through plugin_paths).
module:depends("http");

local array = require "util.array";
local json = require "util.json";
local st = require "util.stanza";
local modulemanager = require "core.modulemanager";

local xmlns_xrd = "http://docs.oasis-open.org/ns/xri/xrd-1.0";

local function loaded(name)
	return modulemanager.is_loaded(module.host, name) or modulemanager.is_loaded("*", name);
end

-- WebSocket first: it is the transport clients should prefer.
local function links()
	local result = {};
	if loaded("websocket") then
		local href = module:http_url("websocket", "/xmpp-websocket"):gsub("^http", "ws");
		result[#result + 1] = { rel = "urn:xmpp:alt-connections:websocket", href = href };
	end
	if loaded("bosh") then
		result[#result + 1] = { rel = "urn:xmpp:alt-connections:xbosh", href = module:http_url("bosh", "/http-bind") };
	end
	return result;
end

local function cors(response)
	-- Browsers fetch host-meta cross-origin (the page is rarely served by the XMPP domain).
	response.headers.access_control_allow_origin = "*";
end

local function get_xrd(event)
	local xrd = st.stanza("XRD", { xmlns = xmlns_xrd });
	for _, link in ipairs(links()) do
		xrd:tag("Link", link):up();
	end
	event.response.headers.content_type = "application/xrd+xml";
	cors(event.response);
	return "<?xml version='1.0' encoding='utf-8'?>\n" .. tostring(xrd);
end

local function get_jrd(event)
	event.response.headers.content_type = "application/json";
	cors(event.response);
	return json.encode({ links = array(links()) }) -- array(): an empty list stays a JSON list;
end

module:provides("http", {
	default_path = "/.well-known";
	route = {
		["GET /host-meta"] = get_xrd;
		["GET /host-meta.json"] = get_jrd;
	};
});
