// A module without a model, for the command line's error test.
export const nothing = 1;
