"""match: the lexicon — its files, the automaton and jieba dictionary built from them (lexicon), and their
editing (edit)."""
