//! Bad input for every mutation of `method.graphql`: each answers with the
//! contract's error code and appends nothing.
