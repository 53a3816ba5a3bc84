package dev.skyledger.platform.auth;

/** A role as tokens and the catalog show it. */
public record Role(String id, String name) {}
