using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("LearningMechanics.Frontends.Tests")]
