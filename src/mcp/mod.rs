//! `popm mcp`: the backlog served to coding agents over the Model Context Protocol (stdio). The
//! tools are [`tools`]' functions; this module only declares them to rmcp (names, descriptions,
//! input schemas), turns their answers into tool results, and serves two resources.
//!
//! stdout is the protocol: nothing here prints; what must be said goes to stderr.

pub mod tools;

use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router};

use crate::error::EnvError;
use tools::{Answer, Place, ToolError};

pub const FORMAT_URI: &str = "popm://docs/format";
pub const RULES_URI: &str = "popm://docs/rules";
const FORMAT_DOC: &str = include_str!("../../docs/format.md");
const RULES_DOC: &str = include_str!("../../docs/rules.md");

const INSTRUCTIONS: &str = "popm: a SAFe backlog kept as markdown files. Every write is checked with \
    popm's rules and refused (isError, nothing written) if it would add an error.";

/// The server: where the backlog is, and the tool routes (built once).
pub struct Server {
    place: Place,
    tool_router: ToolRouter<Server>,
}

/// A tool's answer as a result: the JSON as structured content, the summary as its text.
fn result(answer: Result<Answer, ToolError>) -> CallToolResult {
    let (mut result, summary) = match answer {
        Ok(a) => (CallToolResult::structured(a.value), a.summary),
        Err(e) => (CallToolResult::structured_error(e.value()), e.summary()),
    };
    result.content = vec![ContentBlock::text(crate::render::safe::output(
        &summary, false,
    ))];
    result
}

#[tool_router]
impl Server {
    pub fn new(place: Place) -> Self {
        Server {
            place,
            tool_router: Self::tool_router(),
        }
    }

    /// The tools as `tools/list` gives them (for the token budget test and docs).
    pub fn tools(&self) -> Vec<Tool> {
        self.tool_router.list_all()
    }

    #[tool(
        name = "check",
        description = "Lint the backlog (popm check): diagnostics and summary.",
        annotations(read_only_hint = true)
    )]
    async fn check(&self, Parameters(args): Parameters<tools::CheckArgs>) -> CallToolResult {
        result(tools::check(&self.place, &args))
    }

    #[tool(
        name = "list_items",
        description = "List items, filtered (popm list). No bodies.",
        annotations(read_only_hint = true)
    )]
    async fn list_items(&self, Parameters(args): Parameters<tools::ListArgs>) -> CallToolResult {
        result(tools::list_items(&self.place, &args))
    }

    #[tool(
        name = "show_item",
        description = "One item with relations and body (popm show).",
        annotations(read_only_hint = true)
    )]
    async fn show_item(&self, Parameters(args): Parameters<tools::IdArgs>) -> CallToolResult {
        result(tools::show_item(&self.place, &args))
    }

    #[tool(
        name = "rank_backlog",
        description = "Open items of a level by priority: WSJF, or the PO's order for stories (popm backlog).",
        annotations(read_only_hint = true)
    )]
    async fn rank_backlog(&self, Parameters(args): Parameters<tools::RankArgs>) -> CallToolResult {
        result(tools::rank_backlog(&self.place, &args))
    }

    #[tool(
        name = "pi_ready",
        description = "Is the PI ready for planning? (popm pi ready)",
        annotations(read_only_hint = true)
    )]
    async fn pi_ready(&self, Parameters(args): Parameters<tools::PiArgs>) -> CallToolResult {
        result(tools::pi_ready(&self.place, &args))
    }

    #[tool(
        name = "board",
        description = "Kanban columns with cards (popm board).",
        annotations(read_only_hint = true)
    )]
    async fn board(&self, Parameters(args): Parameters<tools::BoardArgs>) -> CallToolResult {
        result(tools::board(&self.place, &args))
    }

    #[tool(
        name = "new_item",
        description = "Create an item from its template with the next id (popm new).",
        annotations(destructive_hint = false)
    )]
    async fn new_item(&self, Parameters(args): Parameters<tools::NewArgs>) -> CallToolResult {
        result(tools::new_item(&self.place, &args))
    }

    #[tool(
        name = "set_fields",
        description = "Set frontmatter fields (popm set).",
        annotations(destructive_hint = false, idempotent_hint = true)
    )]
    async fn set_fields(&self, Parameters(args): Parameters<tools::SetArgs>) -> CallToolResult {
        result(tools::set_fields(&self.place, &args))
    }

    #[tool(
        name = "move_item",
        description = "Change an item's status; workflow entry rules apply (popm move).",
        annotations(destructive_hint = false, idempotent_hint = true)
    )]
    async fn move_item(&self, Parameters(args): Parameters<tools::MoveArgs>) -> CallToolResult {
        result(tools::move_item(&self.place, &args))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("popm", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(vec![
            Resource::new(FORMAT_URI, "format")
                .with_mime_type("text/markdown")
                .with_description("The item file format"),
            Resource::new(RULES_URI, "rules")
                .with_mime_type("text/markdown")
                .with_description("Every rule popm checks"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let text = match request.uri.as_str() {
            FORMAT_URI => FORMAT_DOC,
            RULES_URI => RULES_DOC,
            other => {
                return Err(ErrorData::resource_not_found(
                    format!("no resource {other}"),
                    None,
                ));
            }
        };
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(text, request.uri).with_mime_type("text/markdown"),
        ])
        .into())
    }
}

/// Serves the backlog of `place` on stdin/stdout until the client closes stdin.
pub fn serve(place: Place) -> Result<(), EnvError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| EnvError::io("start the MCP server", e))?;
    runtime.block_on(async {
        let service = Server::new(place)
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| EnvError::Mcp(e.to_string()))?;
        service
            .waiting()
            .await
            .map_err(|e| EnvError::Mcp(e.to_string()))?;
        Ok(())
    })
}
