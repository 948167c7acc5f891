/** A validated op attribute, as stored in the IR (plain JSON). */
export type AttrValue = number | boolean | string | null | readonly AttrValue[];
export type Attrs = Readonly<Record<string, AttrValue>>;
