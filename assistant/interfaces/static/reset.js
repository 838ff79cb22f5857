() => { window.chatQuestions = 0; return []; }
