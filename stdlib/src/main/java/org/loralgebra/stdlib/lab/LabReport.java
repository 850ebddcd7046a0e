package org.loralgebra.stdlib.lab;

/** What a lab experiment measured, printable two ways: {@code lora lab … --json} and the readable table. */
public interface LabReport {
    /** The report as one JSON document (the same seeds give the same bytes). */
    String toJson();

    /** The report as a readable table. */
    String toText();
}
