// A module with no factories: listing it under plugins is an error.
export const answer = 42;
