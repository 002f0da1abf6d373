"""match: the lexicon — its files, the automaton and jieba dictionary built from them (lexicon), their
editing (edit), and what the hits in an article say about it (hits: does it name a center)."""
