package dev.companion.chat.rest.dto;

import java.util.List;

/** The caller's agents (every user's for an admin token). */
public record AgentList(List<AgentView> agents) {
}
