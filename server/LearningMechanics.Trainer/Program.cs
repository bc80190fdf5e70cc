using System.Text;
using LearningMechanics.Trainer;

// The trainer: one TrainerJob as a JSON line on stdin; ProgressMessage lines then one ResultMessage or ErrorMessage on
// stdout. Console.Out is pointed at stderr so that nothing but protocol lines reaches the real stdout.
var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
Console.SetOut(Console.Error);
var jobLine = Console.In.ReadLine();
return new JobRunner(new MessageWriter(stdout)).Run(jobLine);
