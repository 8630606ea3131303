/**
 * The scenario format's version. A document with a higher `version` was made by a newer playground: it is
 * refused with a message that says so, never half-read. Raise it only for a change an older runner would
 * misread; adding an optional field is not one.
 */
export const SCENARIO_VERSION = 1;
