/**
 * {@code lora hub}: the command line of the hub analyses, its own picocli entry point ({@link
 * org.loralgebra.hub.cli.HubCommand}) so that the default {@code lora} class path carries no Spark; the launcher runs
 * it for {@code lora hub …}.
 */
package org.loralgebra.hub.cli;
