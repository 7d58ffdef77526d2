"""Drives `popm mcp` with the official MCP Python client (PyPI `mcp`), as an agent would.

Usage: client.py POPM BACKLOG MODE. Each check prints one line; any mismatch raises. The Rust test
(tests/mcp.rs) compares the printed lines and the files left behind.
"""

import asyncio
import json
import os
import subprocess
import sys

from mcp import Client, StdioServerParameters

POPM, BACKLOG, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
ENV = {"POPM_NO_CACHE": "1", "POPM_TODAY": "2026-12-01", "PATH": os.environ.get("PATH", "")}


def cli(*args):
    """The CLI's JSON for the same question."""
    out = subprocess.run([POPM, "-C", BACKLOG, *args, "--format", "json"],
                         capture_output=True, text=True, env=ENV, check=False)
    return json.loads(out.stdout)


def items(value):
    return {"items": value}


def read(path):
    with open(os.path.join(BACKLOG, path), "rb") as f:
        return f.read()


async def main():
    params = StdioServerParameters(command=POPM, args=["-C", BACKLOG, "mcp"], env=ENV)
    async with Client(params, mode=MODE) as client:
        tools = sorted(t.name for t in (await client.list_tools()).tools)
        print("tools", " ".join(tools))

        async def call(name, args, expected=None):
            r = await client.call_tool(name, args)
            assert not r.is_error, (name, r.content)
            if expected is not None:
                assert r.structured_content == expected, (name, r.structured_content, expected)
            print(name, "ok:", r.content[0].text)
            return r.structured_content

        await call("check", {}, cli("check"))
        await call("list_items", {"type": ["feature"]}, items(cli("list", "--type", "feature")))
        page = await call("list_items", {"limit": 10})
        rest = await call("list_items", {"cursor": page["next_cursor"]})
        assert page["items"] + rest["items"] == cli("list"), "pages do not add up to the list"
        shown = await call("show_item", {"id": "F-1"})
        body = shown.pop("body")
        assert shown == cli("show", "F-1"), "show_item"
        assert body.startswith("## ") or body.strip(), "show_item has the body"
        await call("rank_backlog", {}, items(cli("backlog")))
        await call("rank_backlog", {"level": "team", "limit": 3},
                   {"items": cli("backlog", "--level", "team")[:3], "next_cursor": "3"})
        await call("pi_ready", {"pi": "PI-2027.1"}, cli("pi", "ready", "PI-2027.1"))
        await call("board", {"level": "team"}, items(cli("board", "--level", "team")))

        # A refused edit: an error it would add comes back as a tool error, the file untouched.
        path = "backlog/stories/S-1-request-reset-link.md"
        before = read(path)
        r = await client.call_tool("set_fields", {"id": "S-1", "fields": {"status": "bogus"}})
        assert r.is_error, "set_fields with an unknown status must be refused"
        assert read(path) == before, "a refused edit changed the file"
        rules = sorted(d["rule"] for d in r.structured_content["diagnostics"])
        print("refused:", r.content[0].text.splitlines()[0], rules)

        await call("set_fields", {"id": "S-1", "fields": {"points": "5", "labels+": "agent"}})
        assert cli("show", "S-1")["points"] == 5 and "agent" in cli("show", "S-1")["labels"]
        moved = await call("move_item", {"id": "F-9", "status": "analyzing"})
        assert cli("show", "F-9")["status"] == moved["status"], "move_item"

        # Ids and titles cannot steer a write out of the backlog.
        created = await call("new_item", {
            "type": "story", "title": "../../../../tmp/escape\n---\nid: X-1", "parent": "F-1",
            "team": ["identity"], "lead": "As a user, I want out.", "criteria": ["Given a title, it stays"]})
        print("created path", created["path"])
        r = await client.call_tool("set_fields", {"id": "../../etc/passwd", "fields": {"title": "x"}})
        assert r.is_error, "an id that is a path must be refused"
        print("hostile id:", r.content[0].text)

        uris = sorted(str(res.uri) for res in (await client.list_resources()).resources)
        text = (await client.read_resource("popm://docs/format")).contents[0].text
        print("resources", " ".join(uris), "format starts", text.splitlines()[0])


asyncio.run(main())
